"""The oracle: a lookahead planner with full access to the simulator.

At every step it tries candidate moves on *copies* of the simulator (learners' hidden state and,
for stochastic simulators, the random stream that will draw their answers), continues each copy
to the end of the session with every base teacher it was given, and makes the move whose best
continuation ends with the highest exam score. ``depth`` > 1 searches every combination of the
next ``depth`` moves before the continuations (exhaustive when ``depth`` reaches the horizon).

This is the rollout algorithm of approximate dynamic programming. On a deterministic simulator
(KSS, the sample course) the planner is never worse than any of its base teachers on any
learner: the move a base teacher would make is always among the candidates, and its
continuation is among those scored. On a stochastic one (KES) the copies draw future answers
from a fresh random stream, the same for every candidate and continuation (common random
numbers), so the planner knows each learner's true state but not how the coin will fall;
``clairvoyant=True`` lets it replay the real stream instead, a looser bound no teacher could reach.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from recommender.rl.base import TeachingPolicy
from recommender.simulation.base import Simulator


class RolloutPlanner(TeachingPolicy):
    """Lookahead search over cloned simulators, continued by the best of several base teachers."""

    name = "oracle"

    def __init__(
        self, base: Sequence[TeachingPolicy], depth: int = 1, extra_candidates: int = 6, clairvoyant: bool = False
    ) -> None:
        """Plan with ``base`` teachers as continuations.

        Args:
            base: Teachers whose continuations score a move (at least one).
            depth: Moves searched exhaustively before the continuations start.
            extra_candidates: On simulators with more skills than this, the moves tried at each
                search level are the base teachers' own moves plus this many with the best
                one-step exam score; with fewer skills every move is tried.
            clairvoyant: Let the copies replay the real learners' random stream.
        """
        if not base:
            raise ValueError("the planner needs at least one base teacher")
        self.base = list(base)
        self.depth = max(1, depth)
        self.extra_candidates = extra_candidates
        self.clairvoyant = clairvoyant
        self._draws = 0

    def begin(self, sim: Simulator, horizon: int) -> None:
        """Start every base teacher on the real learners."""
        self.horizon = horizon
        self._draws = 0
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
        every = self._copy(sim.tile(size))
        every.step(np.tile(np.arange(size), n))
        gain = every.exam().reshape(n, size)
        top = np.argsort(-gain, axis=1, kind="stable")[:, : self.extra_candidates]
        return np.concatenate([np.stack(proposals, axis=1), top], axis=1)

    def _search(
        self, sim: Simulator, teachers: list[TeachingPolicy], proposals: list[np.ndarray], step: int, depth: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(best value, best move) per learner, searching ``depth`` levels from ``step``.

        All K candidate moves of all N learners run as one batch of N x K replicas.
        """
        n = len(sim.targets)
        cands = self._candidates(sim, proposals)
        k = cands.shape[1]
        moves = cands.reshape(-1)
        tiled = self._copy(sim.tile(k))
        forks = [policy.tile(k) for policy in teachers]
        responses = tiled.step(moves)
        for policy in forks:
            policy.observe(moves, responses)
        if step + 1 >= self.horizon:
            values = tiled.exam()
        elif depth > 1:
            following = [policy.act(tiled, step + 1) for policy in forks]
            values, _ = self._search(tiled, forks, following, step + 1, depth - 1)
        else:
            values = np.max(np.stack([self._continue(tiled, policy, step + 1) for policy in forks]), axis=0)
        table = values.reshape(n, k)
        pick = table.argmax(axis=1)  # first best: ties keep the earlier candidate
        rows = np.arange(n)
        return table[rows, pick], cands[rows, pick]

    def _copy(self, sim: Simulator) -> Simulator:
        """A planning copy: unless clairvoyant, its future answers come from a stream of its own."""
        if not self.clairvoyant:
            self._draws += 1
            sim.reseed(self._draws)
        return sim

    def _continue(self, sim: Simulator, policy: TeachingPolicy, step: int) -> np.ndarray:
        """Final exam score when ``policy`` teaches from ``step`` to the end on a copy of ``sim``."""
        twin, teacher = sim.clone(), policy.fork()
        for t in range(step, self.horizon):
            actions = teacher.act(twin, t)
            teacher.observe(actions, twin.step(actions))
        return twin.exam()
