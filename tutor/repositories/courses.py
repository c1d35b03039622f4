"""Courses collection: one document per course with its modules, lessons and quizzes embedded."""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from tutor.db import Document
from tutor.models.common import utcnow
from tutor.repositories.base import Repository


class CourseRepository(Repository):
    """``courses``; structural edits use optimistic concurrency on ``version``."""

    too_large_message = (
        "the course is too large to store: its modules, lessons and quizzes together must stay under 16 MiB "
        "(upload long texts as course materials instead, or split the course)"
    )

    async def replace_if_version(self, course: Document, expected_version: int) -> Document | None:
        """Store ``course`` only if nobody changed it since ``expected_version`` was read.

        Raises:
            TooLarge: the course would exceed MongoDB's 16 MiB document limit.
        """
        course = {**course, "version": expected_version + 1, "updated_at": utcnow()}
        with self.size_checked():
            result = await self.collection.replace_one({"_id": course["_id"], "version": expected_version}, course)
        return course if result.modified_count == 1 else None

    async def set_fields(self, course_id: str, fields: dict[str, Any]) -> Document | None:
        """Set top-level fields and bump the version."""
        return await self.collection.find_one_and_update(
            {"_id": course_id},
            {"$set": {**fields, "updated_at": utcnow()}, "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER,
        )

    async def add_enrollment(self, course_id: str, delta: int) -> None:
        """Adjust the denormalised enrollment counter."""
        await self.collection.update_one({"_id": course_id}, {"$inc": {"enrollments": delta}})
