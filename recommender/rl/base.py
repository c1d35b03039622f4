"""The interface of a teaching policy driven by a simulator episode."""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod

import numpy as np

from recommender.simulation.base import Simulator


class TeachingPolicy(ABC):
    """Chooses one skill per learner per step, seeing responses (and the accepted moves)."""

    name = "policy"

    @abstractmethod
    def begin(self, sim: Simulator, horizon: int) -> None:
        """Start an episode on freshly reset learners."""

    @abstractmethod
    def act(self, sim: Simulator, step: int) -> np.ndarray:
        """(N,) skills to teach now; must be accepted moves."""

    @abstractmethod
    def observe(self, actions: np.ndarray, responses: np.ndarray) -> None:
        """Take in the responses to the last actions."""

    def fork(self) -> TeachingPolicy:
        """An independent copy of this teacher mid-episode (a planner continues it on a copied simulator)."""
        return copy.deepcopy(self)

    def tile(self, copies: int) -> TeachingPolicy:
        """A copy teaching ``copies`` consecutive replicas of every learner (see ``Simulator.tile``)."""
        raise NotImplementedError(f"{self.name} cannot be continued by a planner")


def sample_accepted(accepted: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uniformly pick one accepted move per row."""
    noise = rng.random(accepted.shape) * accepted
    return np.asarray(noise.argmax(axis=1))
