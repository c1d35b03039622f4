"""The oracle: a lookahead planner with full access to the simulator.

At every step it tries candidate moves on *copies* of the simulator (learners' hidden state and,
for stochastic simulators, the random stream that will draw their answers), continues each copy
to the end of the session with every base teacher it was given, and makes the move whose best
continuation ends with the highest exam score. ``depth`` > 1 searches every combination of the
next ``depth`` moves before the continuations (exhaustive when ``depth`` reaches the horizon).

This is the rollout algorithm of approximate dynamic programming. Because the copies replay the
same random stream as the real learners, each learner's episode is deterministic given the
moves, and the planner is never worse than any of its base teachers on any learner: the move a
base teacher would make is always among the candidates, and its continuation is among those
scored. It is therefore an upper reference for every teacher it is given, and usually better.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from recommender.rl.base import TeachingPolicy
from recommender.simulation.base import Simulator


class RolloutPlanner(TeachingPolicy):
    """Lookahead search over cloned simulators, continued by the best of several base teachers."""

    name = "oracle"

    def __init__(self, base: Sequence[TeachingPolicy], depth: int = 1, extra_candidates: int = 8) -> None:
        """Plan with ``base`` teachers as continuations.

        Args:
            base: Teachers whose continuations score a move (at least one).
            depth: Moves searched exhaustively before the continuations start.
            extra_candidates: On simulators with more skills than this, the moves tried at each
                search level are the base teachers' own moves plus this many with the best
                one-step exam score; with fewer skills every move is tried.
        """
        if not base:
            raise ValueError("the planner needs at least one base teacher")
        self.base = list(base)
        self.depth = max(1, depth)
        self.extra_candidates = extra_candidates

    def begin(self, sim: Simulator, horizon: int) -> None:
        """Start every base teacher on the real learners."""
        self.horizon = horizon
        for policy in self.base:
            policy.begin(sim, horizon)

    def act(self, sim: Simulator, step: int) -> np.ndarray:
        """The move with the best planned outcome, per learner."""
        proposals = [policy.act(sim, step) for policy in self.base]
        self._proposed = proposals
        _, best = self._search(sim, self.base, proposals, step, self.depth)
        return best

    def observe(self, actions: np.ndarray, responses: np.ndarray) -> None:
        """Keep every base teacher in step with what really happened."""
        for policy in self.base:
            policy.observe(actions, responses)

    # ---- search ----
    def _candidates(self, sim: Simulator, proposals: list[np.ndarray]) -> np.ndarray:
        """(N, K) moves to try: every skill on small graphs, else proposals plus the best one-step moves."""
        n, size = len(sim.targets), sim.n_skills
        if size <= len(proposals) + self.extra_candidates:
            return np.tile(np.arange(size), (n, 1))
        gain = np.empty((n, size))
        for skill in range(size):
            twin = sim.clone()
            twin.step(np.full(n, skill))
            gain[:, skill] = twin.exam()
        top = np.argsort(-gain, axis=1, kind="stable")[:, : self.extra_candidates]
        return np.concatenate([np.stack(proposals, axis=1), top], axis=1)

    def _search(
        self, sim: Simulator, teachers: list[TeachingPolicy], proposals: list[np.ndarray], step: int, depth: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(best value, best move) per learner, searching ``depth`` levels from ``step``."""
        n = len(sim.targets)
        cands = self._candidates(sim, proposals)
        best_value = np.full(n, -np.inf)
        best_move = cands[:, 0].copy()
        for k in range(cands.shape[1]):
            moves = cands[:, k]
            value = self._value_after(sim, teachers, moves, step, depth)
            better = value > best_value + 1e-12
            best_value = np.where(better, value, best_value)
            best_move = np.where(better, moves, best_move)
        return best_value, best_move

    def _value_after(
        self, sim: Simulator, teachers: list[TeachingPolicy], moves: np.ndarray, step: int, depth: int
    ) -> np.ndarray:
        """Best final exam score after making ``moves`` now and then planning/continuing."""
        twin = sim.clone()
        forks = [policy.fork() for policy in teachers]
        responses = twin.step(moves)
        for policy in forks:
            policy.observe(moves, responses)
        if step + 1 >= self.horizon:
            return twin.exam()
        if depth > 1:
            proposals = [policy.act(twin, step + 1) for policy in forks]
            value, _ = self._search(twin, forks, proposals, step + 1, depth - 1)
            return value
        return np.asarray(np.max(np.stack([self._continue(twin, policy, step + 1) for policy in forks]), axis=0))

    def _continue(self, sim: Simulator, policy: TeachingPolicy, step: int) -> np.ndarray:
        """Final exam score when ``policy`` teaches from ``step`` to the end on a copy of ``sim``."""
        twin, teacher = sim.clone(), policy.fork()
        for t in range(step, self.horizon):
            actions = teacher.act(twin, t)
            teacher.observe(actions, twin.step(actions))
        return twin.exam()
