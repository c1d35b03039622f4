"""Weakness analyzer: per-skill mastery with uncertainty and ranked weak areas for one student.

Called after each quiz submission. A course starts with BKT at default priors (cold start); the
retraining job (:func:`train_course_model`) replaces them with per-skill EM fits and, once the course
has enough attempts, a neural model that then takes over for the skills of its vocabulary.

``p`` is the estimated probability that the student answers the next question on the skill
correctly (the quantity every model here predicts, so models are interchangeable). ``ci`` is a 90%
interval of a Beta distribution with that mean and ``prior_strength + attempts`` pseudo-observations:
wide for skills seen once, narrowing with evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import beta

from recommender.kt.bkt import BKTParams
from recommender.kt.checkpoint import CheckpointError, latest_checkpoint, load_config
from recommender.kt.configs.bkt import BKTConfig
from recommender.kt.course import COURSE_CHECKPOINT, encode, train_course_model
from recommender.kt.neural.predictor import NeuralKT
from recommender.mastery import WEAK_BELOW

log = logging.getLogger(__name__)

__all__ = ["WeaknessAnalyzer", "WeaknessConfig", "train_course_model"]


@dataclass(frozen=True)
class WeaknessConfig:
    """Thresholds of the analyzer.

    Attributes:
        weak_below: A skill whose mastery is below this is weak.
        recent: How many latest attempts on a skill count as "recent".
        recent_errors_weak: This many recent errors make a skill weak whatever its mastery.
        prior_strength: Pseudo-observations of the Beta interval before any attempt.
        ci_level: Coverage of the interval.
        max_history: Interactions fed to the neural model (its training window length).
    """

    weak_below: float = WEAK_BELOW
    recent: int = 5
    recent_errors_weak: int = 2
    prior_strength: float = 2.0
    ci_level: float = 0.9
    max_history: int = 200


@dataclass
class _Evidence:
    attempts: int = 0
    correct: int = 0
    outcomes: list[bool] = field(default_factory=list)
    last_seen: datetime | str | None = None


def _iso(at: datetime | str | None) -> str | None:
    """ISO-8601 text of a timestamp (strings are passed through, e.g. already serialised)."""
    return at.isoformat() if isinstance(at, datetime) else at


class WeaknessAnalyzer:
    """Turns a student's attempts into mastery estimates and weak areas.

    Args:
        bkt: Per-skill BKT parameters keyed by skill id; missing skills use the defaults.
        neural: Trained neural model whose ``skills`` name its vocabulary, or None.
        config: Thresholds.
        bkt_defaults: Cold-start BKT parameters.
    """

    def __init__(
        self,
        bkt: Mapping[str, tuple[float, float, float, float]] | None = None,
        neural: NeuralKT | None = None,
        config: WeaknessConfig | None = None,
        bkt_defaults: BKTConfig | None = None,
    ) -> None:
        d = bkt_defaults or BKTConfig()
        self.default = (d.prior, d.learn, d.guess, d.slip)
        self.bkt = dict(bkt or {})
        self.neural = neural
        self.cfg = config or WeaknessConfig()

    @classmethod
    def from_dir(cls, model_dir: str | Path | None, config: WeaknessConfig | None = None) -> WeaknessAnalyzer:
        """Load the newest course checkpoint in ``model_dir``; fall back to BKT defaults.

        A missing or corrupted checkpoint is logged and never stops the analysis.
        """
        path = latest_checkpoint(model_dir, COURSE_CHECKPOINT) if model_dir else None
        if path is None:
            return cls(config=config)
        try:
            meta = load_config(path)
            params = BKTParams.from_json(meta["bkt"])
            skills = list(meta["skills"])
            rows = zip(params.prior, params.learn, params.guess, params.slip, strict=True)
            bkt = {s: (float(a), float(b), float(c), float(e)) for s, (a, b, c, e) in zip(skills, rows, strict=False)}
        except (CheckpointError, KeyError, TypeError, ValueError) as exc:
            log.warning("course model unusable, using BKT defaults: %s", exc)
            return cls(config=config)
        neural = None
        if meta.get("kind") == "neural":
            try:
                neural = NeuralKT.load(path)
            except CheckpointError as exc:
                log.warning("neural course model unusable, using BKT: %s", exc)
        return cls(bkt=bkt, neural=neural, config=config)

    def _bkt_p(self, skill: str, outcomes: Sequence[bool]) -> float:
        prior, learn, guess, slip = self.bkt.get(skill, self.default)
        known = prior
        for ok in outcomes:
            hit = known * ((1 - slip) if ok else slip)
            post = hit / (hit + (1 - known) * (guess if ok else 1 - guess))
            known = post + (1 - post) * learn
        return float(known * (1 - slip) + (1 - known) * guess)

    def _neural_p(self, attempts: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        if self.neural is None:
            return {}
        index = {s: i for i, s in enumerate(self.neural.skills)}
        sk, rs = encode(attempts, index)
        n = self.cfg.max_history
        probs = self.neural.mastery(sk[-n:], rs[-n:])
        return {s: float(probs[i]) for s, i in index.items()}

    def analyze(self, attempts: Sequence[Mapping[str, Any]], skills: Sequence[str] = ()) -> dict[str, Any]:
        """Mastery per skill and ranked weak areas.

        Args:
            attempts: ``{"question_id", "skills": [str], "correct": bool, "at": datetime}`` in time order.
            skills: Extra skills to report even without attempts (e.g. the course's skills).

        Returns:
            JSON-ready ``{"mastery": {skill: {"p", "ci", "attempts", "correct"}}, "weak_areas":
            [{"skill", "mastery", "attempts", "recent_errors", "last_seen", "reason"}], "model"}``.
        """
        evidence: dict[str, _Evidence] = {s: _Evidence() for s in skills}
        for a in attempts:
            for s in dict.fromkeys(a["skills"]):
                ev = evidence.setdefault(s, _Evidence())
                ok = bool(a["correct"])
                ev.attempts += 1
                ev.correct += ok
                ev.outcomes.append(ok)
                ev.last_seen = a.get("at") or ev.last_seen
        neural = self._neural_p(attempts)
        names = list(evidence)
        p = np.array([neural.get(s, self._bkt_p(s, evidence[s].outcomes)) for s in names])
        mastery: dict[str, dict[str, Any]] = {}
        if names:
            k = self.cfg.prior_strength + np.array([evidence[s].attempts for s in names], dtype=np.float64)
            tail = (1 - self.cfg.ci_level) / 2
            pc = np.clip(p, 1e-4, 1 - 1e-4)
            lo, hi = beta.ppf(tail, pc * k, (1 - pc) * k), beta.ppf(1 - tail, pc * k, (1 - pc) * k)
            for i, s in enumerate(names):
                ev = evidence[s]
                mastery[s] = {
                    "p": round(float(p[i]), 4),
                    "ci": [round(float(lo[i]), 4), round(float(hi[i]), 4)],
                    "attempts": ev.attempts,
                    "correct": ev.correct,
                }
        model = "neural" if neural else "bkt"
        return {"mastery": mastery, "weak_areas": self._weak(evidence, mastery), "model": model}

    def _weak(
        self, evidence: Mapping[str, _Evidence], mastery: Mapping[str, Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        cfg = self.cfg
        rows: list[dict[str, Any]] = []
        for s, ev in evidence.items():
            if not ev.attempts:
                continue
            recent = ev.outcomes[-cfg.recent :]
            errors = sum(not ok for ok in recent)
            p = float(mastery[s]["p"])
            if p >= cfg.weak_below and errors < cfg.recent_errors_weak:
                continue
            reason = (f"{errors} of the last {len(recent)} answers wrong; " if errors else "") + (
                f"estimated mastery {p:.2f} after {ev.attempts} attempt{'s' if ev.attempts > 1 else ''}"
            )
            rows.append(
                {
                    "skill": s,
                    "mastery": round(p, 4),
                    "attempts": ev.attempts,
                    "recent_errors": errors,
                    "last_seen": _iso(ev.last_seen),
                    "reason": reason,
                }
            )
        rows.sort(key=lambda r: (r["mastery"], -r["recent_errors"], r["skill"]))
        return rows
