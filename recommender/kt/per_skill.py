"""Per-skill baseline: a smoothed per-skill correct rate, personalised by the student's record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

import numpy as np

from recommender.kt.configs.per_skill import PerSkillConfig
from recommender.kt.data import FloatArray, KTSequence


def _logit(p: float | FloatArray) -> FloatArray:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)))


class PerSkillModel:
    """Predicts P(correct) from the skill's population rate, shifted by how the student is doing.

    The population estimate for skill k is moved on the logit scale by the student's running
    overall rate (relative to the global rate), then combined with the student's own answers on
    skill k as a Beta-binomial update.
    """

    name = "per_skill"

    def __init__(self, skill_rate: FloatArray, global_rate: float, config: PerSkillConfig) -> None:
        self.skill_rate = np.asarray(skill_rate, dtype=np.float64)
        self.global_rate = float(global_rate)
        self.config = config

    def predict_one(self, skills: Sequence[int], responses: Sequence[int]) -> FloatArray:
        """P(correct) at each position of one window given only earlier positions."""
        cfg = self.config
        n_sk: dict[int, int] = {}
        c_sk: dict[int, int] = {}
        c_all = 0
        g_logit = float(_logit(self.global_rate))
        out = np.empty(len(skills), dtype=np.float64)
        for t, (k, r) in enumerate(zip(skills, responses, strict=True)):
            k = int(k)
            base = self.skill_rate[k] if 0 <= k < self.skill_rate.size else self.global_rate
            # t = attempts so far in the window
            student = (c_all + cfg.student_prior * self.global_rate) / (t + cfg.student_prior)
            shifted = 1 / (1 + np.exp(-(_logit(base) + _logit(student) - g_logit)))
            n, c = n_sk.get(k, 0), c_sk.get(k, 0)
            out[t] = (cfg.own_prior * float(shifted) + c) / (cfg.own_prior + n)
            n_sk[k] = n + 1
            c_sk[k] = c + int(r)
            c_all += int(r)
        return out

    def predict(self, windows: Sequence[KTSequence]) -> list[FloatArray]:
        """See :class:`recommender.kt.base.KTModel`."""
        return [self.predict_one(w.skills.tolist(), w.responses.tolist()) for w in windows]

    def to_config(self) -> dict[str, object]:
        """JSON-ready parameters (the model is small enough to live in its config)."""
        return {
            "skill_rate": self.skill_rate.tolist(),
            "global_rate": self.global_rate,
            "config": asdict(self.config),
        }


def fit_per_skill(seqs: Sequence[KTSequence], n_skills: int, config: PerSkillConfig | None = None) -> PerSkillModel:
    """Count correct answers per skill over training sequences."""
    cfg = config or PerSkillConfig()
    skills = np.concatenate([s.skills for s in seqs]) if seqs else np.zeros(0, dtype=np.int64)
    resp = np.concatenate([s.responses for s in seqs]).astype(np.float64) if seqs else np.zeros(0)
    global_rate = float(resp.mean()) if resp.size else 0.5
    n = np.bincount(skills, minlength=n_skills).astype(np.float64)
    c = np.bincount(skills, weights=resp, minlength=n_skills)
    rate = (c + cfg.skill_prior * global_rate) / (n + cfg.skill_prior)
    return PerSkillModel(rate, global_rate, cfg)
