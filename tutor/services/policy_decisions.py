"""The recommender policy's training decisions, for instructors: each run's verdict, scores and data size."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.errors import Forbidden
from tutor.repositories.policy_decisions import PolicyDecisionRepository
from tutor.services.principal import Principal
from tutor.settings import PolicyTrainingSettings

MAX_DECISIONS = 100


class PolicyDecisionService:
    """Reads the decisions the training job recorded (it runs on the worker: ``recommender.loop``)."""

    def __init__(self, decisions: PolicyDecisionRepository, settings: PolicyTrainingSettings) -> None:
        self.decisions = decisions
        self.settings = settings

    async def history(self, principal: Principal, limit: int = 20) -> dict[str, Any]:
        """The newest decisions (at most ``limit``, up to 100), the policy promoted last, and the schedule.

        Raises:
            Forbidden: The caller is not an instructor.
        """
        if not principal.is_instructor:
            raise Forbidden("only instructors see the recommender policy's training decisions")
        docs = await self.decisions.latest(max(1, min(limit, MAX_DECISIONS)))
        promoted = await self.decisions.last_promoted()
        return {
            "serving_version": promoted.get("candidate_version") if promoted else None,
            "interval_s": self.settings.interval_s,
            "tolerance": self.settings.tolerance,
            "decisions": [decision_view(doc) for doc in docs],
        }


def decision_view(doc: Document) -> dict[str, Any]:
    """One decision as the API (and the CLI) show it."""
    return {"id": doc["_id"], **{k: v for k, v in doc.items() if k != "_id"}}
