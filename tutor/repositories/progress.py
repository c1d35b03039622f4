"""``user_progress``: one document per (user, course), updated only with atomic operators."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument

from tutor.db import Document
from tutor.errors import InvalidInput
from tutor.repositories.base import Repository
from tutor.repositories.learner_stamp import StampedRepository
from tutor.schemas.common import new_id, utcnow
from tutor.schemas.quiz import SAFE_ID_RULE, is_safe_id


class ProgressRepository(StampedRepository):
    """Progress documents.

    ``quiz_scores`` is stored as a map keyed by lesson id so that ``$inc``/``$max`` can update one
    lesson's entry atomically; services present it as the schema's list. A lesson id becomes a
    field name there, so only ids that can never be a path (no ``.``, no ``$``) are accepted.
    ``revealed`` lists when each quiz question's answer key was first shown to the student.
    """

    async def find_one(self, user_id: str, course_id: str) -> Document | None:
        """The progress of ``user_id`` in ``course_id``."""
        return await self.collection.find_one({"user_id": user_id, "course_id": course_id})

    async def of_user(self, user_id: str) -> list[Document]:
        """All progress documents of a user."""
        return await self.find({"user_id": user_id}, sort=[("last_accessed", -1)])

    async def create_if_missing(self, user_id: str, course_id: str) -> Document:
        """The progress of ``user_id`` in ``course_id``, created empty when there is none (one round trip)."""
        now, new = utcnow(), new_id()
        doc: Document | None = await self.collection.find_one_and_update(
            {"user_id": user_id, "course_id": course_id},
            {
                "$setOnInsert": {
                    "_id": new,
                    "progress_percentage": 0.0,
                    "completed_lessons": [],
                    "quiz_scores": {},
                    "revealed": [],
                    "time_spent": 0,
                    "weak_areas": [],
                    "completion_date": None,
                    "created_at": now,
                    "last_accessed": now,
                }
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None  # an upsert returning the document after it always has one
        if doc["_id"] == new:  # made by this call
            await self.changed(user_id)
        return doc

    async def apply(
        self,
        user_id: str,
        course_id: str,
        *,
        completed_lesson: str | None = None,
        time_spent: int = 0,
        quiz: tuple[str, float] | None = None,
        reveals: list[Document] | None = None,
        expect_attempts: int | None = None,
    ) -> Document | None:
        """Apply one progress event in one atomic update and return the document after it.

        Args:
            user_id: The student.
            course_id: The course.
            completed_lesson: A lesson to mark complete.
            time_spent: Seconds to add.
            quiz: ``(lesson_id, score)`` of a graded submission: counts an attempt, keeps the best score.
            reveals: Reveal records to append (see :mod:`tutor.services.quiz_evidence`).
            expect_attempts: Apply only if the lesson's quiz has exactly this many attempts so far
                (a compare-and-set that enforces attempt limits under concurrent submissions).

        Returns:
            The document after the update; ``None`` when it does not exist or ``expect_attempts``
            no longer holds.

        Raises:
            InvalidInput: ``quiz`` names a lesson id that could be read as a field path.
        """
        now = utcnow()
        query: dict[str, Any] = {"user_id": user_id, "course_id": course_id}
        update: dict[str, Any] = {"$set": {"last_accessed": now}, "$inc": {"time_spent": time_spent}}
        if completed_lesson:
            update["$addToSet"] = {"completed_lessons": completed_lesson}
        if quiz:
            lesson_id, score = quiz
            key = _score_key(lesson_id)
            update["$inc"][f"{key}.attempts"] = 1
            update["$set"][f"{key}.score"] = score
            update["$set"][f"{key}.last_attempt_at"] = now
            update["$max"] = {f"{key}.best_score": score}
            if expect_attempts is not None:
                count = f"{key}.attempts"
                query["$or"] = [{count: expect_attempts}] + (
                    [{count: {"$exists": False}}] if not expect_attempts else []
                )
        if reveals:
            update["$push"] = {"revealed": {"$each": reveals}}
        doc = await self.collection.find_one_and_update(query, update, return_document=ReturnDocument.AFTER)
        if doc is not None:
            await self.changed(user_id)
        return doc

    async def add_reveals(self, user_id: str, course_id: str, reveals: list[Document]) -> None:
        """Record that answer keys were shown to the student (outside a quiz submission, e.g. in practice)."""
        if reveals:
            await self.collection.update_one(
                {"user_id": user_id, "course_id": course_id}, {"$push": {"revealed": {"$each": reveals}}}
            )
            await self.changed(user_id)

    async def reveals_of_course(self, course_id: str) -> dict[str, list[Document]]:
        """Every student's reveal records in a course: ``{user_id: [record]}`` (for model training)."""
        docs = await self.find({"course_id": course_id}, projection={"user_id": 1, "revealed": 1})
        return {str(doc["user_id"]): list(doc.get("revealed") or []) for doc in docs}

    async def set_percentage(
        self, doc: Document, completed_count: int, percentage: float, completion_date: datetime | None
    ) -> None:
        """Store the derived percentage, unless a concurrent update already changed the count.

        The guard on the array size makes the write safe without a transaction: whichever
        request saw the final count writes the final percentage.
        """
        fields: dict[str, Any] = {"progress_percentage": percentage}
        if completion_date is not None:
            fields["completion_date"] = completion_date
        await self.collection.update_one(
            {"_id": doc["_id"], "completed_lessons": {"$size": completed_count}}, {"$set": fields}
        )
        await self.changed(doc["user_id"])

    async def set_learner_state(
        self, user_id: str, course_id: str, weak_areas: list[dict[str, Any]], mastery: dict[str, Any], model: str
    ) -> None:
        """Store the weakness analyzer's output for one course: weak areas, per-skill mastery, model kind."""
        await self.collection.update_one(
            {"user_id": user_id, "course_id": course_id},
            {"$set": {"weak_areas": weak_areas, "mastery": mastery, "model": model}},
        )
        await self.changed(user_id)

    async def of_course(self, course_id: str) -> list[Document]:
        """Every student's progress in a course: mastery and weak areas (for its instructor's class view)."""
        return await self.find({"course_id": course_id}, projection={"mastery": 1, "weak_areas": 1})

    async def in_courses(self, user_id: str, course_ids: list[str]) -> list[Document]:
        """The user's progress in the given courses."""
        return await self.find({"user_id": user_id, "course_id": {"$in": course_ids}})


class QuizAttemptRepository(Repository):
    """``quiz_attempts``: one document per answered question, with its skills and correctness."""

    async def add_many(self, attempts: list[Document]) -> None:
        """Insert a submission's per-question attempts."""
        if attempts:
            await self.collection.insert_many(attempts)

    async def remove_submission(self, submission_id: str) -> None:
        """Delete every attempt of one submission (undoing it when the rest of its write failed)."""
        await self.collection.delete_many({"submission_id": submission_id})

    async def of_user(self, user_id: str, course_id: str | None = None) -> list[Document]:
        """A user's attempts in time order."""
        query: dict[str, Any] = {"user_id": user_id}
        if course_id:
            query["course_id"] = course_id
        return await self.find(query, sort=[("answered_at", 1), ("position", 1)])

    async def recent_question_ids(self, user_id: str, course_ids: list[str], limit: int = 20) -> list[str]:
        """Ids of the questions ``user_id`` answered most recently in ``course_ids``, newest first, unique."""
        if not course_ids:
            return []
        docs = await self.find(
            {"user_id": user_id, "course_id": {"$in": course_ids}},
            sort=[("answered_at", -1), ("position", -1)],
            limit=limit,
            projection={"question_id": 1},
        )
        return list(dict.fromkeys(str(doc["question_id"]) for doc in docs))

    async def of_course(self, course_id: str) -> list[Document]:
        """All attempts in a course, in time order (for model training)."""
        return await self.find({"course_id": course_id}, sort=[("answered_at", 1), ("position", 1)])


def _score_key(lesson_id: str) -> str:
    if not is_safe_id(lesson_id):
        raise InvalidInput(SAFE_ID_RULE)
    return f"quiz_scores.{lesson_id}"
