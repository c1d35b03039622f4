"""RL policy: masking, checkpoints, resume, baselines."""

from pathlib import Path

import numpy as np
import pytest
import torch

from recommender.rl.base import TeachingPolicy
from recommender.rl.baselines import GreedyPolicy, RandomPolicy, RulePolicy
from recommender.rl.checkpoint import CheckpointError, load_checkpoint
from recommender.rl.evaluate import evaluate, run_episode
from recommender.rl.ppo import PPOSettings, PPOTrainer
from recommender.rl.trained_policy import TrainedPolicy
from recommender.simulation.base import Simulator
from recommender.simulation.kss import make_kss

TINY = PPOSettings(batch_learners=16, horizons=(5,), epochs=1, minibatch=64, hidden=16)


class _Checked(TeachingPolicy):
    """Wraps a teacher and records whether each move it makes is one the learner accepts."""

    def __init__(self, inner: TeachingPolicy) -> None:
        self.inner, self.refused = inner, 0

    def begin(self, sim: Simulator, horizon: int) -> None:
        self.inner.begin(sim, horizon)

    def act(self, sim: Simulator, step: int) -> np.ndarray:
        actions = self.inner.act(sim, step)
        self.refused += int((~sim.accepted()[np.arange(len(actions)), actions]).sum())
        return actions

    def observe(self, actions: np.ndarray, responses: np.ndarray) -> None:
        self.inner.observe(actions, responses)


def test_every_teacher_only_picks_accepted_moves():
    sim = make_kss()
    trainer = PPOTrainer(sim, "responses", TINY)
    # the simulator wastes a refused move (as EduSim does); our teachers mask them and never make one
    for agent in (RandomPolicy(1), RulePolicy(), GreedyPolicy(), TrainedPolicy(trainer.model, sample=True)):
        checked = _Checked(agent)
        ep = run_episode(sim, checked, 40, seed=5, horizon=20)
        assert ep.shape == (40,) and (ep >= 0).all() and (ep <= 1).all()
        assert checked.refused == 0


def test_masked_policy_puts_no_probability_on_invalid_actions():
    sim = make_kss()
    sim.reset(30, seed=2)
    trainer = PPOTrainer(sim, "responses", TINY)
    mask = torch.as_tensor(sim.accepted())
    obs = torch.randn(30, trainer.model.config.obs_dim) * 10
    with torch.no_grad():
        probs = trainer.model.distribution(obs, mask).probs
    assert float(probs[~mask].max()) < 1e-12


def test_checkpoint_round_trip_and_resume(tmp_path: Path):
    sim = make_kss()
    trainer = PPOTrainer(sim, "responses", TINY)
    trainer.train(budget_s=60, checkpoint=tmp_path / "p.pt", max_iterations=2)
    model, meta, optim_state = load_checkpoint(tmp_path / "p.pt")
    for key, value in trainer.model.state_dict().items():
        assert torch.equal(value, model.state_dict()[key])
    assert meta["iteration"] == 2 and optim_state is not None
    resumed = PPOTrainer(sim, "responses", TINY)
    resumed.resume(tmp_path / "p.pt")
    resumed.train(budget_s=60, checkpoint=tmp_path / "p.pt", max_iterations=1)
    assert load_checkpoint(tmp_path / "p.pt")[1]["iteration"] == 3


def test_corrupted_checkpoint_raises_a_typed_error(tmp_path: Path):
    sim = make_kss()
    PPOTrainer(sim, "responses", TINY).train(budget_s=60, checkpoint=tmp_path / "p.pt", max_iterations=1)
    (tmp_path / "p.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "p.pt")
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "missing.pt")


def test_training_improves_on_the_untrained_policy():
    sim = make_kss()
    settings = PPOSettings(batch_learners=32, horizons=(10,), hidden=32, lr=3e-3, epochs=2)
    trainer = PPOTrainer(sim, "privileged", settings)
    # sampled actions: an untrained policy is uniform over accepted moves (the random baseline)
    before = evaluate(sim, TrainedPolicy(trainer.model, sample=True), 200, [11], 10).mean()
    trainer.train(budget_s=60, max_iterations=20)
    after = evaluate(sim, TrainedPolicy(trainer.model, sample=True), 200, [11], 10).mean()
    assert after > before + 0.05
    assert np.isfinite(after)
