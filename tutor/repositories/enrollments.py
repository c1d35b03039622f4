"""Enrollments collection: one document per (user, course)."""

from __future__ import annotations

from tutor.db import Document
from tutor.repositories.base import Repository


class EnrollmentRepository(Repository):
    """``enrollments`` with a unique (user_id, course_id) index."""

    async def find_one(self, user_id: str, course_id: str) -> Document | None:
        """The enrollment of ``user_id`` in ``course_id``."""
        return await self.collection.find_one({"user_id": user_id, "course_id": course_id})

    async def of_user(self, user_id: str) -> list[Document]:
        """All enrollments of a user, newest first."""
        return await self.find({"user_id": user_id}, sort=[("enrolled_at", -1)])

    async def user_ids_of_course(self, course_id: str) -> list[str]:
        """Ids of the users enrolled in a course."""
        docs = await self.find({"course_id": course_id}, projection={"user_id": 1})
        return [d["user_id"] for d in docs]

    async def remove(self, user_id: str, course_id: str) -> bool:
        """Delete the enrollment; whether one existed."""
        result = await self.collection.delete_one({"user_id": user_id, "course_id": course_id})
        return result.deleted_count == 1
