"""``ai_recommendations``: one learner-model document per student (written by the recommender)."""

from __future__ import annotations

from tutor.db import Document
from tutor.repositories.learner_stamp import StampedRepository


class RecommendationRepository(StampedRepository):
    """The stored learner model of each student, keyed by a unique ``user_id``."""

    async def of_user(self, user_id: str) -> Document | None:
        """The student's recommendations document, without its ``_id``."""
        return await self.collection.find_one({"user_id": user_id}, {"_id": 0})

    async def store(self, user_id: str, doc: Document) -> None:
        """Replace the student's document with ``doc`` (created on the first refresh)."""
        await self.collection.replace_one({"user_id": user_id}, doc, upsert=True)
        await self.changed(user_id)
