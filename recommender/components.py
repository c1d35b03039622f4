"""Building the learner model from settings: on the worker only (the API reads what it stores)."""

from __future__ import annotations

import logging
from pathlib import Path

from recommender.learner import LearnerModel, course_model_dir
from recommender.policy_service import PolicyService
from recommender.weakness import WeaknessAnalyzer
from tutor.db import Mongo
from tutor.repositories.bundle import Repositories
from tutor.settings import Settings

log = logging.getLogger(__name__)


def policy_path(settings: Settings) -> Path:
    """Where the trained recommender policy is kept."""
    # Written by ``python -m bench.recommender --train-only`` (the sample course's responses-only policy).
    return Path(settings.var_dir) / "models" / "recommender" / "policy_sample_course_responses.pt"


def load_policy(settings: Settings) -> PolicyService:
    """The trained policy, or the heuristic when there is none or it is unreadable."""
    path = policy_path(settings)
    if not path.exists():
        return PolicyService(fallback_reason="no trained policy; using the greedy heuristic")
    return PolicyService.from_checkpoint(path)


def learner_model(mongo: Mongo, settings: Settings, policy: PolicyService | None = None) -> LearnerModel:
    """A learner model whose per-course analyzers load that course's newest checkpoint."""
    var = Path(settings.var_dir)

    def analyzer_for(course_id: str) -> WeaknessAnalyzer:
        return WeaknessAnalyzer.from_dir(course_model_dir(var, course_id))

    return LearnerModel(Repositories.over(mongo), analyzer_for, policy or load_policy(settings))
