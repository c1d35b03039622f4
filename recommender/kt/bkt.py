"""Bayesian Knowledge Tracing: per-skill two-state hidden Markov model (no forgetting).

Fitting lives in :mod:`recommender.kt.bkt_em`; this module only predicts and updates beliefs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recommender.kt.configs.bkt import BKTConfig
from recommender.kt.data import FloatArray, KTSequence


@dataclass
class BKTParams:
    """Per-skill parameter vectors (index = skill)."""

    prior: FloatArray
    learn: FloatArray
    guess: FloatArray
    slip: FloatArray

    @classmethod
    def defaults(cls, n_skills: int, config: BKTConfig | None = None) -> BKTParams:
        """Every skill at the configured default (cold-start) parameters."""
        cfg = config or BKTConfig()
        full = np.full
        return cls(
            full(n_skills, cfg.prior), full(n_skills, cfg.learn), full(n_skills, cfg.guess), full(n_skills, cfg.slip)
        )

    def to_json(self) -> dict[str, list[float]]:
        """JSON-ready lists."""
        return {k: [round(float(x), 6) for x in getattr(self, k)] for k in ("prior", "learn", "guess", "slip")}

    @classmethod
    def from_json(cls, data: dict[str, list[float]]) -> BKTParams:
        """Inverse of :meth:`to_json`."""
        return cls(*(np.asarray(data[k], dtype=np.float64) for k in ("prior", "learn", "guess", "slip")))


def p_correct(p_known: FloatArray | float, guess: FloatArray | float, slip: FloatArray | float) -> FloatArray:
    """P(correct answer) given P(skill known)."""
    return np.asarray(p_known * (1 - slip) + (1 - p_known) * guess)


def posterior(
    p_known: FloatArray | float, correct: bool | FloatArray, guess: FloatArray | float, slip: FloatArray | float
) -> FloatArray:
    """P(known) after observing one answer (before the learning transition)."""
    hit = p_known * np.where(correct, 1 - slip, slip)
    miss = (1 - p_known) * np.where(correct, guess, 1 - guess)
    return np.asarray(hit / (hit + miss))


class BKTModel:
    """A fitted BKT model over a skill vocabulary of integer indices."""

    name = "bkt"

    def __init__(self, params: BKTParams) -> None:
        self.params = params

    @property
    def n_skills(self) -> int:
        """Size of the skill vocabulary."""
        return int(self.params.prior.size)

    def trace(self, skills: Sequence[int], responses: Sequence[int]) -> tuple[FloatArray, FloatArray]:
        """Run the filter over one sequence.

        Returns:
            (P(correct) before each attempt, P(known) per skill after the whole sequence).
        """
        pr = self.params
        known = pr.prior.copy()
        out = np.empty(len(skills), dtype=np.float64)
        for t, (k, r) in enumerate(zip(skills, responses, strict=True)):
            g, s, lk = pr.guess[k], pr.slip[k], known[k]
            out[t] = p_correct(lk, g, s)
            post = float(posterior(lk, bool(r), g, s))
            known[k] = post + (1 - post) * pr.learn[k]
        return out, known

    def predict(self, windows: Sequence[KTSequence]) -> list[FloatArray]:
        """See :class:`recommender.kt.base.KTModel`."""
        return [self.trace(w.skills.tolist(), w.responses.tolist())[0] for w in windows]
