"""KES-style simulator: a knowledge-tracing learner, checkpoint I/O, E_p bookkeeping."""

from pathlib import Path

import numpy as np
import pytest
import torch

from recommender.rl.baselines import GreedyPolicy, RandomPolicy
from recommender.rl.evaluate import run_episode
from recommender.simulation.kes import KESSimulator
from recommender.simulation.kes_model import DKT, DKTConfig, DKTEnsemble, KESModelError, load_dkt, save_dkt

POOL = [([0, 1, 2, 3, 4, 0], [1, 0, 1, 1, 0, 1]), ([5, 5, 6, 7, 8, 9, 9], [0, 0, 1, 1, 1, 0, 1])]


def _sim() -> KESSimulator:
    torch.manual_seed(0)
    return KESSimulator(DKTEnsemble([DKT(DKTConfig(n_skills=12, hidden=8, embed=8))]), POOL)


def test_reset_replays_a_real_warm_up_and_sets_targets():
    sim = _sim()
    sim.reset(20, seed=1)
    assert all(5 <= len(log) <= 7 for log in sim.warmup_log)
    assert ((sim.targets.sum(axis=1) >= 3) & (sim.targets.sum(axis=1) <= 10)).all()
    assert np.allclose(sim.e_start, (sim.prob * sim.targets).sum(axis=1))
    assert sim.accepted().all()  # no prerequisite map in ASSISTments


def test_steps_move_the_learner_state_and_episodes_are_reproducible():
    sim = _sim()
    first = run_episode(sim, RandomPolicy(3), 10, seed=4, horizon=5)
    again = run_episode(sim, RandomPolicy(3), 10, seed=4, horizon=5)
    assert np.allclose(first, again)
    sim.reset(10, seed=4)
    before = sim.prob.copy()
    responses = sim.step(np.zeros(10, dtype=int))
    assert set(np.unique(responses)) <= {0, 1}
    assert not np.allclose(before, sim.prob)
    assert run_episode(sim, GreedyPolicy(), 10, seed=4, horizon=5).shape == (10,)


def _members(n: int) -> list[DKT]:
    torch.manual_seed(0)
    return [DKT(DKTConfig(n_skills=12, hidden=8, embed=8)).eval() for _ in range(n)]


def _mean_log_odds(probs: list[torch.Tensor]) -> torch.Tensor:
    return torch.sigmoid(torch.stack([torch.logit(p) for p in probs]).mean(0))


def test_an_ensemble_learner_answers_with_its_members_mean_log_odds_and_keeps_each_members_state():
    members = _members(3)
    ensemble = DKTEnsemble(members)
    skills, resp = torch.tensor([2, 5]), torch.tensor([1, 0])
    with torch.no_grad():
        prior = [torch.sigmoid(m.out.bias).expand(2, -1) for m in members]  # a member's answer before any
        assert torch.allclose(ensemble.prior(2), _mean_log_odds(prior), atol=1e-6)
        state, prob = ensemble.step(ensemble.initial_state(2), skills, resp)
        state, prob = ensemble.step(state, torch.tensor([7, 7]), torch.tensor([0, 1]))
        alone = []
        for m in members:  # each member's own nn.LSTM over the same two answers lands where its slice does
            seq = m.embed(m.token(torch.stack([skills, torch.tensor([7, 7])], 1), torch.stack([resp, torch.tensor([0, 1])], 1)))
            out, (h, c) = m.cell(seq)
            alone.append(((h, c), torch.sigmoid(m.out(out[:, -1]))))
        for k, ((h, c), _) in enumerate(alone):
            assert torch.allclose(state[0][..., k * 8 : (k + 1) * 8], h, atol=1e-6)
            assert torch.allclose(state[1][..., k * 8 : (k + 1) * 8], c, atol=1e-6)
        assert torch.allclose(prob, _mean_log_odds([p for _, p in alone]), atol=1e-6)
        assert not torch.allclose(prob, alone[0][1], atol=1e-3)  # not just one member's answer
        history = torch.tensor([[2, 7]]), torch.tensor([[1, 0]])
        expected = _mean_log_odds([torch.sigmoid(m(*history))[0, 1] for m in members])
        assert torch.allclose(ensemble.next_prob(*history)[0, 1], expected, atol=1e-6)
    with pytest.raises(ValueError, match="same size"):
        DKTEnsemble([*members, DKT(DKTConfig(n_skills=12, hidden=4, embed=8))])


def test_learner_checkpoint_round_trip_and_corruption(tmp_path: Path):
    model = DKTEnsemble(_members(2))
    save_dkt(tmp_path / "dkt.pt", model, {"note": "test"})
    loaded = load_dkt(tmp_path / "dkt.pt")
    skills, resp = torch.tensor([[1, 2, 3]]), torch.tensor([[1, 0, 1]])
    assert torch.allclose(model.next_prob(skills, resp), loaded.next_prob(skills, resp))
    assert len(loaded.members) == 2
    (tmp_path / "dkt.pt").write_bytes(b"broken")
    with pytest.raises(KESModelError):
        load_dkt(tmp_path / "dkt.pt")
    # a single-network checkpoint of the earlier format is refused, so the bench fits a new learner
    torch.save(_members(1)[0].state_dict(), tmp_path / "old.pt")
    (tmp_path / "old.json").write_text('{"config": {"n_skills": 12, "hidden": 8, "embed": 8}}')
    with pytest.raises(KESModelError):
        load_dkt(tmp_path / "old.pt")
