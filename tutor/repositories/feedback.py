"""``recommendation_feedback`` and ``recommendation_interactions``: what students said about their
recommendations, and what they did after accepting one (the data the recommender policy learns from)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import new_id


class FeedbackRepository(Repository):
    """One document per student and item (``item_type``, ``course_id``, ``item_id``): the latest answer wins.

    ``answers`` counts how often the student answered about the item; ``interactions`` how many
    interactions were linked to it (capped by :meth:`InteractionRepository`'s caller).
    """

    async def upsert(self, key: Mapping[str, str], fields: Document, now: datetime) -> Document:
        """Store the student's answer about one item (created on the first one) and return the document."""
        update: dict[str, Any] = {
            "$set": {**fields, "updated_at": now},
            "$setOnInsert": {"_id": new_id(), "created_at": now, "interactions": 0},
            "$inc": {"answers": 1},
        }
        for attempt in range(2):
            try:
                with self.size_checked():
                    doc: Document | None = await self.collection.find_one_and_update(
                        dict(key), update, upsert=True, return_document=ReturnDocument.AFTER
                    )
                break
            except DuplicateKeyError:
                # Two answers about the same new item at once: one inserted it, the other now updates it.
                if attempt:
                    raise
        assert doc is not None  # an upsert returning the document after it always has one
        return doc

    async def accepted_for(self, user_id: str, course_id: str, lesson_id: str | None, cap: int) -> Document | None:
        """The student's accepted recommendation this activity follows (the lesson's, else its course's),
        unless it already has ``cap`` interactions."""
        either: list[dict[str, Any]] = [{"item_type": "course", "item_id": course_id}]
        if lesson_id is not None:
            either.insert(0, {"item_type": "lesson", "item_id": lesson_id})
        docs = await self.find(
            {
                "user_id": user_id,
                "course_id": course_id,
                "action": "accepted",
                "interactions": {"$lt": cap},
                "$or": either,
            },
            projection={"context": 0},
            sort=[("item_type", -1)],  # "lesson" before "course": the closer link
            limit=1,
        )
        return docs[0] if docs else None

    async def count_interaction(self, feedback_id: str) -> None:
        """One more interaction was linked to this feedback."""
        await self.collection.update_one({"_id": feedback_id}, {"$inc": {"interactions": 1}})

    async def of_user(self, user_id: str) -> list[Document]:
        """All of a student's feedback, oldest first (their export)."""
        return await self.find({"user_id": user_id}, sort=[("created_at", 1)])

    async def since(self, since: datetime, limit: int) -> list[Document]:
        """Feedback answered since ``since``, newest first, at most ``limit`` documents (training data)."""
        return await self.find({"updated_at": {"$gte": since}}, sort=[("updated_at", -1)], limit=limit)


class InteractionRepository(Repository):
    """What a student did after accepting a recommendation: enrolled, completed the lesson, took its quiz.

    A quiz interaction carries ``mastery_before`` (the stored learner model at submission) and, once the
    worker has refreshed the learner model, ``mastery_after`` and ``gain``.
    """

    async def add(self, doc: Document) -> None:
        """Record one interaction."""
        await self.insert(doc)

    async def open_of_user(self, user_id: str, until: datetime) -> list[Document]:
        """The student's quiz interactions recorded by ``until`` still waiting for their mastery after."""
        return await self.find(
            {"user_id": user_id, "kind": "quiz_submitted", "mastery_after": None, "at": {"$lte": until}}
        )

    async def close(
        self, interaction_id: str, mastery_after: dict[str, float], gain: float | None, now: datetime
    ) -> None:
        """Record the mastery after a quiz interaction and its gain (only once)."""
        await self.collection.update_one(
            {"_id": interaction_id, "mastery_after": None},
            {"$set": {"mastery_after": mastery_after, "gain": gain, "closed_at": now}},
        )

    async def of_user(self, user_id: str) -> list[Document]:
        """All of a student's interactions, oldest first (their export)."""
        return await self.find({"user_id": user_id}, sort=[("at", 1)])

    async def of_feedback(self, feedback_ids: Iterable[str]) -> list[Document]:
        """Interactions linked to any of ``feedback_ids`` (training data)."""
        ids = sorted(set(feedback_ids))
        if not ids:
            return []
        return await self.find({"feedback_id": {"$in": ids}}, projection={"mastery_before": 0, "mastery_after": 0})


def interaction_doc(feedback: Document, kind: str, at: datetime, **fields: Any) -> Document:
    """A new interaction linked to ``feedback`` (the accepted recommendation it follows)."""
    return {
        "_id": new_id(),
        "user_id": feedback["user_id"],
        "feedback_id": feedback["_id"],
        "item_type": feedback["item_type"],
        "item_id": feedback["item_id"],
        "course_id": feedback["course_id"],
        "kind": kind,
        "at": at,
        **fields,
    }
