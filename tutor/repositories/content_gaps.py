"""``content_gaps``: questions the tutor declined as not covered, kept without any link to who asked."""

from __future__ import annotations

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import new_id, utcnow


class ContentGapRepository(Repository):
    """Declined questions per course: the text, its embedding and the lessons the search came closest to."""

    async def add(self, course_id: str, question: str, vector: list[float], lessons: list[str]) -> None:
        """Keep one declined question."""
        await self.collection.insert_one(
            {
                "_id": new_id(),
                "course_id": course_id,
                "question": question,
                "vector": vector,
                "lessons": lessons,
                "created_at": utcnow(),
            }
        )

    async def recent(self, course_id: str, limit: int) -> list[Document]:
        """The course's latest ``limit`` declined questions, newest first."""
        return await self.find({"course_id": course_id}, sort=[("created_at", -1)], limit=limit)

    async def forget_course(self, course_id: str) -> int:
        """Delete a course's questions (the course is removed)."""
        return await self.delete_many({"course_id": course_id})
