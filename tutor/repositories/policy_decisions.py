"""``policy_decisions``: every run of the recommender policy's training job and what it decided."""

from __future__ import annotations

from tutor.db import Document
from tutor.repositories.base import Repository


class PolicyDecisionRepository(Repository):
    """One document per run: ``decision`` (promoted, rejected, failed), both scores, the data size, why."""

    async def record(self, doc: Document) -> Document:
        """Store one decision."""
        return await self.insert(doc)

    async def latest(self, limit: int) -> list[Document]:
        """The newest ``limit`` decisions, newest first."""
        return await self.find({}, sort=[("decided_at", -1), ("_id", -1)], limit=limit)

    async def last_promoted(self) -> Document | None:
        """The newest decision that promoted a candidate (the policy serving now, if nobody replaced it)."""
        docs = await self.find({"decision": "promoted"}, sort=[("decided_at", -1)], limit=1)
        return docs[0] if docs else None
