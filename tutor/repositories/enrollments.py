"""Enrollments collection: one document per (user, course).

An enrollment in a removed course stays (status ``course_removed``, with the course's title) so the
student's own export still shows it, but it no longer counts as an enrollment anywhere else.
"""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.repositories.learner_stamp import StampedRepository
from tutor.schemas.common import utcnow

REMOVED = "course_removed"
ACTIVE: dict[str, Any] = {"status": {"$ne": REMOVED}}


class EnrollmentRepository(StampedRepository):
    """``enrollments`` with a unique (user_id, course_id) index."""

    async def find_one(self, user_id: str, course_id: str) -> Document | None:
        """The active enrollment of ``user_id`` in ``course_id``."""
        return await self.collection.find_one({"user_id": user_id, "course_id": course_id, **ACTIVE})

    async def of_user(self, user_id: str) -> list[Document]:
        """Active enrollments of a user, newest first."""
        return await self.find({"user_id": user_id, **ACTIVE}, sort=[("enrolled_at", -1)])

    async def all_of_user(self, user_id: str) -> list[Document]:
        """Every enrollment of a user, those in removed courses included, newest first."""
        return await self.find({"user_id": user_id}, sort=[("enrolled_at", -1)])

    async def user_ids_of_course(self, course_id: str) -> list[str]:
        """Ids of the users actively enrolled in a course."""
        docs = await self.find({"course_id": course_id, **ACTIVE}, projection={"user_id": 1})
        return [d["user_id"] for d in docs]

    async def all_user_ids_of_course(self, course_id: str) -> list[str]:
        """Ids of every user with an enrollment in a course, removed ones included."""
        docs = await self.find({"course_id": course_id}, projection={"user_id": 1})
        return [d["user_id"] for d in docs]

    async def takes_any(self, user_id: str, course_ids: list[str]) -> bool:
        """Whether the user is actively enrolled in one of ``course_ids``."""
        return await self.count({"user_id": user_id, "course_id": {"$in": course_ids}, **ACTIVE}) > 0

    async def remove(self, user_id: str, course_id: str) -> bool:
        """Delete the active enrollment; whether one existed."""
        result = await self.collection.delete_one({"user_id": user_id, "course_id": course_id, **ACTIVE})
        await self.changed(user_id)
        return result.deleted_count == 1

    async def retire_course(self, course_id: str, course_title: str) -> list[str]:
        """Mark every active enrollment of a removed course ``course_removed``; the users they belonged to."""
        users = await self.user_ids_of_course(course_id)
        await self.update_many(  # bumps the stamps of those students
            {"course_id": course_id, **ACTIVE},
            {"$set": {"status": REMOVED, "course_title": course_title, "removed_at": utcnow()}},
        )
        return users
