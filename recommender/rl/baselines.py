"""Baseline teachers: random, prerequisite-order rule, and greedy on estimated mastery."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from recommender.rl.base import TeachingPolicy, sample_accepted
from recommender.rl.features import ResponseTracker
from recommender.simulation.base import Simulator


def needed_skills(sim: Simulator) -> np.ndarray:
    """(N, S) bool: targets and all their prerequisites."""
    anc = np.zeros((sim.n_skills, sim.n_skills), dtype=bool)
    for k in range(sim.n_skills):
        anc[k, list(sim.graph.ancestors(k))] = True
    return np.asarray(sim.targets | (sim.targets.astype(int) @ anc.astype(int) > 0))


def _distances(accepted: np.ndarray) -> np.ndarray:
    """All-pairs number of accepted moves between skills (Floyd-Warshall, graphs are small)."""
    dist = np.where(accepted, 1.0, np.inf)
    np.fill_diagonal(dist, 0.0)
    for k in range(len(dist)):
        dist = np.minimum(dist, dist[:, k : k + 1] + dist[k : k + 1, :])
    return np.asarray(np.where(np.isinf(dist), len(dist), dist))


class RandomPolicy(TeachingPolicy):
    """Uniform over the moves the learner accepts."""

    name = "random"

    def __init__(self, seed: int = 0) -> None:
        """Seed the choice."""
        self.rng = np.random.default_rng(seed)

    def begin(self, sim: Simulator, horizon: int) -> None:
        """Nothing to prepare."""

    def act(self, sim: Simulator, step: int) -> np.ndarray:
        """A random accepted move."""
        return sample_accepted(sim.accepted(), self.rng)

    def observe(self, actions: np.ndarray, responses: np.ndarray) -> None:
        """Ignores responses."""


class RulePolicy(TeachingPolicy):
    """Walk the needed skills in topological order, each until answered right (at most ``tries``).

    A skill the learner would not accept now is approached along the shortest accepted route.
    """

    name = "rule"

    def __init__(self, tries: int = 3) -> None:
        """Set the number of attempts per skill before moving on."""
        self.tries = tries

    def begin(self, sim: Simulator, horizon: int) -> None:
        """Lay out each learner's order of needed skills."""
        topo = sim.graph.topological_order()
        need = needed_skills(sim)
        self.orders = [[k for k in topo if need[i, k]] for i in range(len(need))]
        self.pos = np.zeros(len(need), dtype=int)
        self.done = np.zeros(len(need), dtype=int)
        self.hop = sim.graph.next_hop(sim.graph.accepted_matrix())
        self.goal = np.zeros(len(need), dtype=int)

    def act(self, sim: Simulator, step: int) -> np.ndarray:
        """Next skill in order, or the next hop towards it."""
        self.goal = np.array([o[p % len(o)] for o, p in zip(self.orders, self.pos, strict=True)])
        last = sim.last
        acts = np.where(last >= 0, self.hop[np.maximum(last, 0), self.goal], self.goal)
        return np.asarray(acts)

    def observe(self, actions: np.ndarray, responses: np.ndarray) -> None:
        """Advance when the goal skill was answered right or tried enough."""
        on_goal = actions == self.goal
        self.done = np.where(on_goal, self.done + 1, self.done)
        move = on_goal & ((responses == 1) | (self.done >= self.tries))
        self.pos = np.where(move, self.pos + 1, self.pos)
        self.done = np.where(move, 0, self.done)

    def fork(self) -> RulePolicy:
        """A copy with its own progress, sharing the orders and routes."""
        twin = copy.copy(self)
        twin.pos, twin.done, twin.goal = self.pos.copy(), self.done.copy(), self.goal.copy()
        return twin

    def tile(self, copies: int) -> RulePolicy:
        """A copy following ``copies`` replicas of every learner."""
        twin = copy.copy(self)
        twin.orders = [order for order in self.orders for _ in range(copies)]
        twin.pos, twin.done = np.repeat(self.pos, copies), np.repeat(self.done, copies)
        twin.goal = np.repeat(self.goal, copies)
        return twin


@dataclass(frozen=True)
class GreedySettings:
    """Knobs of the greedy teacher (tuned on validation seeds)."""

    ancestor_weight: float = 0.5  # value of a prerequisite of a target relative to a target
    prereq_penalty: float = 1.0  # how much weak prerequisites make a skill less attractive
    recency: float = 0.5  # blend of recent (decayed) vs whole-history mastery estimate
    route_cost: float = 0.2  # score lost per extra move needed to reach a skill


class GreedyPolicy(TeachingPolicy):
    """Pick the accepted move with the largest need x (1 - estimated mastery), minus weak prerequisites."""

    name = "greedy"

    def __init__(self, settings: GreedySettings | None = None) -> None:
        """Use the given (tuned) settings."""
        self.settings = settings or GreedySettings()

    def begin(self, sim: Simulator, horizon: int) -> None:
        """Read the warm-up and the learners' goals."""
        self.tracker = ResponseTracker.from_simulator(sim)
        need = needed_skills(sim).astype(float)
        self.weight = np.where(sim.targets, 1.0, need * self.settings.ancestor_weight)
        self.pred = np.zeros((sim.n_skills, sim.n_skills))
        for a, b in sim.graph.edges:
            self.pred[a, b] = 1.0
        accepted = sim.graph.accepted_matrix()
        self.hop = sim.graph.next_hop(accepted)
        self.dist = _distances(accepted)

    def act(self, sim: Simulator, step: int) -> np.ndarray:
        """Best-scoring accepted move."""
        knobs = self.settings
        est = knobs.recency * self.tracker.recent + (1 - knobs.recency) * self.tracker.mastery()
        weak_prereq = (1.0 - est) @ self.pred
        score = self.weight * (1.0 - est) - knobs.prereq_penalty * weak_prereq
        last = np.maximum(sim.last, 0)
        extra = np.where(sim.accepted(), 0.0, np.maximum(self.dist[last] - 1, 0))
        goal = (score - knobs.route_cost * extra).argmax(axis=1)
        return np.asarray(np.where(sim.last >= 0, self.hop[last, goal], goal))

    def observe(self, actions: np.ndarray, responses: np.ndarray) -> None:
        """Update the mastery estimate."""
        self.tracker.update(actions, responses)

    def fork(self) -> GreedyPolicy:
        """A copy with its own mastery estimate, sharing the goal weights and routes."""
        twin = copy.copy(self)
        twin.tracker = copy.deepcopy(self.tracker)
        return twin

    def tile(self, copies: int) -> GreedyPolicy:
        """A copy following ``copies`` replicas of every learner."""
        twin = copy.copy(self)
        twin.tracker = self.tracker.tile(copies)
        twin.weight = np.repeat(self.weight, copies, axis=0)
        return twin
