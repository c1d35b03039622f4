"""What a policy sees: a responses-only mastery estimate, or (privileged) the simulator's truth."""

from __future__ import annotations

import numpy as np

from recommender.simulation.base import Simulator

HORIZON_SCALE = 20.0
MAX_COUNT = 5.0
RESPONSE_FEATURES = 7  # per skill, see ResponseTracker.features
PRIVILEGED_FEATURES = 4  # per skill, see privileged_features


class ResponseTracker:
    """Per-learner, per-skill counts of attempts and correct answers, from responses only."""

    def __init__(self, n: int, n_skills: int) -> None:
        """Start with no evidence for ``n`` learners over ``n_skills`` skills."""
        self.count = np.zeros((n, n_skills))
        self.correct = np.zeros((n, n_skills))
        self.last_response = np.full((n, n_skills), -1.0)
        self.recent = np.full((n, n_skills), 0.5)  # exponentially weighted: old errors fade

    @classmethod
    def from_simulator(cls, sim: Simulator) -> ResponseTracker:
        """A tracker primed with each learner's visible warm-up log."""
        tracker = cls(len(sim.targets), sim.n_skills)
        for i, log in enumerate(sim.warmup_log):
            for skill, resp in log:
                tracker.count[i, skill] += 1
                tracker.correct[i, skill] += resp
                tracker.last_response[i, skill] = resp
                tracker.recent[i, skill] = 0.5 * tracker.recent[i, skill] + 0.5 * resp
        return tracker

    def tile(self, copies: int) -> ResponseTracker:
        """A tracker with ``copies`` consecutive replicas of every learner's evidence."""
        n, s = self.count.shape
        twin = ResponseTracker(n * copies, s)
        for name in ("count", "correct", "last_response", "recent"):
            setattr(twin, name, np.repeat(getattr(self, name), copies, axis=0))
        return twin

    def update(self, actions: np.ndarray, responses: np.ndarray) -> None:
        """Record one response per learner."""
        rows = np.arange(len(actions))
        self.count[rows, actions] += 1
        self.correct[rows, actions] += responses
        self.last_response[rows, actions] = responses
        self.recent[rows, actions] = 0.5 * self.recent[rows, actions] + 0.5 * responses

    def mastery(self, prior: float = 1.0, p0: float = 0.5) -> np.ndarray:
        """Beta-smoothed share of correct answers: the estimated mastery vector."""
        return np.asarray((self.correct + prior * p0) / (self.count + prior))

    def features(self, targets: np.ndarray, last: np.ndarray, remaining: int) -> np.ndarray:
        """(N, 7S + 1): last right/wrong, attempts, mastery, recent mastery, target, current; time left."""
        n, s = self.count.shape
        current = np.zeros((n, s))
        current[np.arange(n)[last >= 0], last[last >= 0]] = 1.0
        parts = [
            (self.last_response == 1).astype(float),
            (self.last_response == 0).astype(float),
            np.minimum(self.count, MAX_COUNT) / MAX_COUNT,
            self.mastery(),
            self.recent,
            targets.astype(float),
            current,
        ]
        flat = np.stack(parts, axis=2).reshape(n, s * RESPONSE_FEATURES)
        return np.concatenate([flat, np.full((n, 1), remaining / HORIZON_SCALE)], axis=1)


def privileged_features(sim: Simulator, remaining: int) -> np.ndarray:
    """(N, 4S + 1) features from the hidden state: mastery, passes-exam, target, current; time left."""
    n, s = sim.targets.shape
    state = sim.true_state()
    mastered_fn = getattr(sim, "true_mastered", None)
    mastered = mastered_fn() if mastered_fn is not None else state >= 0.5
    current = np.zeros((n, s))
    current[np.arange(n)[sim.last >= 0], sim.last[sim.last >= 0]] = 1.0
    parts = [state, mastered.astype(float), sim.targets.astype(float), current]
    flat = np.stack(parts, axis=2).reshape(n, s * PRIVILEGED_FEATURES)
    return np.concatenate([flat, np.full((n, 1), remaining / HORIZON_SCALE)], axis=1)


def obs_dim(view: str, n_skills: int) -> int:
    """Observation width for a view ("responses" or "privileged")."""
    per = RESPONSE_FEATURES if view == "responses" else PRIVILEGED_FEATURES
    return per * n_skills + 1
