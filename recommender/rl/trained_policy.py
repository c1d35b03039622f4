"""A teaching policy that follows a trained actor-critic network."""

from __future__ import annotations

import copy

import numpy as np
import torch

from recommender.rl.base import TeachingPolicy
from recommender.rl.features import ResponseTracker, privileged_features
from recommender.rl.model import ActorCritic
from recommender.simulation.base import Simulator


def observe_state(sim: Simulator, tracker: ResponseTracker, view: str, remaining: int) -> np.ndarray:
    """The observation of ``view``: responses-only features, or the simulator's hidden state."""
    if view == "privileged":
        return privileged_features(sim, remaining)
    return tracker.features(sim.targets, sim.last, remaining)


class TrainedPolicy(TeachingPolicy):
    """Acts with a policy network: greedy (argmax) for evaluation, sampled for training."""

    def __init__(self, model: ActorCritic, sample: bool = False, seed: int = 0, name: str = "ours") -> None:
        """Wrap a policy network."""
        self.model = model
        self.sample = sample
        self.name = name
        self.gen = torch.Generator().manual_seed(seed)

    def begin(self, sim: Simulator, horizon: int) -> None:
        """Prime the response tracker with the warm-up."""
        self.tracker = ResponseTracker.from_simulator(sim)
        self.horizon = horizon

    def act(self, sim: Simulator, step: int) -> np.ndarray:
        """Masked choice among accepted moves."""
        obs = observe_state(sim, self.tracker, self.model.config.view, self.horizon - step)
        mask = torch.as_tensor(sim.accepted())
        with torch.no_grad():
            logits, _ = self.model(torch.as_tensor(obs, dtype=torch.float32), mask)
        if self.sample:
            probs = torch.softmax(logits, dim=-1)
            return np.asarray(torch.multinomial(probs, 1, generator=self.gen).squeeze(1).numpy())
        return np.asarray(logits.argmax(dim=-1).numpy())

    def observe(self, actions: np.ndarray, responses: np.ndarray) -> None:
        """Update the tracker (the privileged view ignores it)."""
        self.tracker.update(actions, responses)

    def fork(self) -> TrainedPolicy:
        """A copy with its own tracker and random stream, sharing the (frozen) network."""
        twin = copy.copy(self)
        twin.tracker = copy.deepcopy(self.tracker)
        twin.gen = torch.Generator().manual_seed(0)
        twin.gen.set_state(self.gen.get_state())
        return twin

    def tile(self, copies: int) -> TrainedPolicy:
        """A copy whose tracker holds ``copies`` replicas of every learner."""
        twin = self.fork()
        twin.tracker = self.tracker.tile(copies)
        return twin
