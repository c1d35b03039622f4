"""KES-style simulator: a knowledge-tracing learner, checkpoint I/O, E_p bookkeeping."""

from pathlib import Path

import numpy as np
import pytest
import torch

from recommender.rl.baselines import GreedyPolicy, RandomPolicy
from recommender.rl.evaluate import run_episode
from recommender.simulation.kes import KESSimulator
from recommender.simulation.kes_model import DKT, DKTConfig, KESModelError, load_dkt, save_dkt

POOL = [([0, 1, 2, 3, 4, 0], [1, 0, 1, 1, 0, 1]), ([5, 5, 6, 7, 8, 9, 9], [0, 0, 1, 1, 1, 0, 1])]


def _sim() -> KESSimulator:
    torch.manual_seed(0)
    return KESSimulator(DKT(DKTConfig(n_skills=12, hidden=8, embed=8)), POOL)


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


def test_learner_checkpoint_round_trip_and_corruption(tmp_path: Path):
    model = DKT(DKTConfig(n_skills=12, hidden=8, embed=8))
    save_dkt(tmp_path / "dkt.pt", model, {"note": "test"})
    loaded = load_dkt(tmp_path / "dkt.pt")
    skills, resp = torch.tensor([[1, 2, 3]]), torch.tensor([[1, 0, 1]])
    assert torch.allclose(model(skills, resp), loaded(skills, resp))
    (tmp_path / "dkt.pt").write_bytes(b"broken")
    with pytest.raises(KESModelError):
        load_dkt(tmp_path / "dkt.pt")
