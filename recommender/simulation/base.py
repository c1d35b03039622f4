"""The interface every batched learner simulator implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from recommender.simulation.graph import SkillGraph


class Simulator(ABC):
    """A batch of simulated learners following EduSim's episode protocol.

    ``reset`` draws learners (targets + a scripted warm-up whose responses are visible as
    ``warmup_log``); ``step`` teaches one skill per learner and returns the learner's
    response to an exercise on that skill; ``exam`` scores the target skills. All arrays
    are indexed ``[learner]`` or ``[learner, skill]``.
    """

    graph: SkillGraph
    targets: np.ndarray  # (N, S) bool
    last: np.ndarray  # (N,) int, last accepted learning item, -1 if none
    e_start: np.ndarray  # (N,) exam score on targets after warm-up
    warmup_log: list[list[tuple[int, int]]]  # per learner (skill, response) pairs

    @property
    def n_skills(self) -> int:
        """Number of skills (= actions)."""
        return self.graph.size

    @abstractmethod
    def reset(self, n: int, seed: int) -> None:
        """Draw ``n`` fresh learners deterministically from ``seed``."""

    @abstractmethod
    def accepted(self) -> np.ndarray:
        """(N, S) bool: moves each learner would accept now."""

    @abstractmethod
    def step(self, actions: np.ndarray) -> np.ndarray:
        """Teach ``actions[i]`` to learner ``i``; return (N,) responses in {0, 1}."""

    @abstractmethod
    def exam(self) -> np.ndarray:
        """(N,) current exam score summed over each learner's target skills."""

    @abstractmethod
    def true_state(self) -> np.ndarray:
        """(N, S) hidden mastery in [0, 1]; only privileged teachers and the planner may look at it."""

    @abstractmethod
    def clone(self) -> Simulator:
        """An independent copy of the current learners (state and any random stream) for planning."""

    @abstractmethod
    def tile(self, copies: int) -> Simulator:
        """A copy holding ``copies`` consecutive replicas of every learner (learner-major order).

        Replicas share their learner's random draws, so they answer alike whenever they are
        taught alike: a planner tries one candidate move per replica in a single batch.
        """

    def reseed(self, seed: int) -> None:  # noqa: B027 - a no-op unless the simulator is stochastic
        """Give this copy a fresh random stream for future answers (deterministic simulators: nothing)."""

    def e_sup(self) -> np.ndarray:
        """(N,) best possible exam score: the number of targets."""
        return np.asarray(self.targets.sum(axis=1), dtype=float)
