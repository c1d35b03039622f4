"""Product-facing recommender: the trained RL policy when it is loaded and sure, else the greedy heuristic.

Usage::

    service = PolicyService.from_checkpoint(Path("var/models/policy_sample_course.pt"))
    recs = service.recommend(mastery, targets, candidates, history, goal_text="data analyst")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch

from recommender.mastery import MASTERED
from recommender.rl.checkpoint import CheckpointError, load_checkpoint
from recommender.rl.explain import (
    Candidate,
    Recommendation,
    eligible,
    explain,
    goals_to_skills,
    heuristic_scores,
)
from recommender.rl.features import ResponseTracker
from recommender.rl.model import ActorCritic

__all__ = ["Candidate", "PolicyService", "Recommendation", "goals_to_skills"]

SESSION_STEPS = 20  # the policy was trained for sessions of this many steps
# Written by ``python -m bench.recommender --train`` (the sample course's responses-only policy).
DEFAULT_POLICY_PATH = Path("var/models/recommender/policy_sample_course_responses.pt")


class PolicyService:
    """Recommends next lessons/courses; never fails for want of a model."""

    def __init__(self, model: ActorCritic | None = None, min_confidence: float = 0.3,
                 fallback_reason: str = "no policy loaded") -> None:
        """Wrap an optional policy; ``min_confidence`` is the top-probability below which we defer."""
        self.model = model
        self.min_confidence = min_confidence
        self.fallback_reason = "" if model is not None else fallback_reason
        self.skills: list[str] = list(model.config.skills) if model is not None else []

    @classmethod
    def from_checkpoint(cls, path: Path = DEFAULT_POLICY_PATH, min_confidence: float = 0.3) -> PolicyService:
        """Load a policy; a missing or corrupted checkpoint yields a heuristic-only service."""
        try:
            model, _, _ = load_checkpoint(path)
        except CheckpointError as exc:
            return cls(None, min_confidence, fallback_reason=str(exc))
        if model.config.view != "responses":
            return cls(None, min_confidence, fallback_reason="checkpoint is a privileged (true-state) policy")
        return cls(model, min_confidence)

    def _observation(self, mastery: Mapping[str, float], targets: set[str],
                     history: Sequence[str]) -> tuple[torch.Tensor, int]:
        """The policy's responses-only features, rebuilt from the product's mastery estimate."""
        n = len(self.skills)
        tracker = ResponseTracker(1, n)
        index = {s: i for i, s in enumerate(self.skills)}
        for skill in history:
            if skill in index:
                tracker.count[0, index[skill]] += 1
        for skill, value in mastery.items():
            if skill in index:
                k = index[skill]
                tried = max(tracker.count[0, k], 1.0)
                tracker.count[0, k] = tried
                tracker.correct[0, k] = value * tried
                tracker.last_response[0, k] = 1.0 if value >= 0.5 else 0.0
                tracker.recent[0, k] = value
        target_vec = np.array([[s in targets for s in self.skills]])
        last = np.array([index.get(history[-1], -1) if history else -1])
        obs = tracker.features(target_vec, last, SESSION_STEPS)
        return torch.as_tensor(obs, dtype=torch.float32), int(last[0])

    def _policy_probs(self, mastery: Mapping[str, float], targets: set[str], history: Sequence[str],
                      candidates: Sequence[Candidate]) -> list[float] | None:
        if self.model is None:
            return None
        index = {s: i for i, s in enumerate(self.skills)}
        allowed = torch.zeros(1, len(self.skills), dtype=torch.bool)
        teaching: dict[str, int] = {}
        for cand in candidates:
            if eligible(cand, mastery):
                for skill in cand.skills:
                    # learners are not sent back to skills they already master (a product choice)
                    if skill in index and mastery.get(skill, 0.0) < MASTERED:
                        allowed[0, index[skill]] = True
                        teaching[skill] = teaching.get(skill, 0) + 1
        if not allowed.any():
            return None  # the policy knows none of these skills: it cannot judge them
        obs, _ = self._observation(mastery, targets, history)
        with torch.no_grad():
            logits, _ = self.model(obs, allowed)
            probs = torch.softmax(logits, dim=-1)[0]
        # a skill's probability is shared by the candidates that teach it, so scores sum to 1
        return [sum(float(probs[index[s]]) / teaching[s] for s in c.skills if s in teaching)
                if eligible(c, mastery) else 0.0 for c in candidates]

    def recommend(self, mastery: Mapping[str, float], target_skills: Sequence[str],
                  candidates: Sequence[Candidate], history: Sequence[str] = (), k: int = 3,
                  goal_text: str = "") -> list[Recommendation]:
        """Rank candidates whose prerequisites are met.

        Args:
            mastery: Estimated mastery per skill (from knowledge tracing), in [0, 1].
            target_skills: Skills the learner is working towards.
            candidates: Lessons or courses to choose from.
            history: Skills practised recently, oldest first.
            k: How many to return.
            goal_text: The learner's goal, quoted in reasons.

        Returns:
            Up to ``k`` recommendations, best first, each with a confidence and a reason.
        """
        targets = set(target_skills)
        probs = self._policy_probs(mastery, targets, history, candidates)
        source = "policy"
        if probs is None or max(probs) < self.min_confidence:
            source = "heuristic"
            raw = heuristic_scores(candidates, mastery, targets)
            total = sum(raw)
            probs = [r / total if total > 0 else 0.0 for r in raw]
        ranked = sorted(range(len(candidates)), key=lambda i: -probs[i])
        out: list[Recommendation] = []
        for i in ranked[:k]:
            cand = candidates[i]
            if not eligible(cand, mastery) and len(out) > 0:
                continue  # only fill with locked items when nothing else exists
            conf = float(min(max(probs[i], 0.0), 1.0))
            out.append(Recommendation(cand.item_id, cand.kind, round(conf, 4),
                                      explain(cand, mastery, targets, goal_text), source))
        return out

    @property
    def mastered_threshold(self) -> float:
        """Mastery at which prerequisites count as met."""
        return MASTERED
