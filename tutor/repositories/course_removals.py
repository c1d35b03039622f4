"""``course_removals``: one job document per removed course, keyed by the course id.

The job outlives the course document, so its instructor can poll it to the end and a removal
requested twice (or re-run after a worker crash) finds and resumes the same job.
"""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from tutor.db import Document
from tutor.repositories.base import Repository, field_path
from tutor.schemas.common import utcnow

STEPS = ("enrollments", "files", "chunks", "materials", "ingest_jobs")


class CourseRemovalRepository(Repository):
    """Removal jobs; ``removed`` counts what each step deleted, summed over runs."""

    async def open(self, course: Document) -> Document:
        """The removal job of ``course``, created (state ``queued``) if there is none yet."""
        now = utcnow()
        doc = await self.collection.find_one_and_update(
            {"_id": course["_id"]},
            {
                "$setOnInsert": {
                    "course_id": course["_id"],
                    "course_title": course.get("title", ""),
                    "instructor_id": course["instructor_id"],
                    "state": "queued",
                    "attempts": 0,
                    "removed": dict.fromkeys(STEPS, 0),
                    "error": None,
                    "created_at": now,
                    "updated_at": now,
                    "finished_at": None,
                }
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None  # an upsert always returns the document
        return doc

    async def set_state(self, course_id: str, state: str, **fields: Any) -> None:
        """Move a job to ``state`` with extra top-level fields."""
        await self.collection.update_one(
            {"_id": course_id}, {"$set": {"state": state, "updated_at": utcnow(), **fields}}
        )

    async def started(self, course_id: str) -> Document | None:
        """Count one more run and mark the job running; the job, or None when there is none."""
        return await self.collection.find_one_and_update(
            {"_id": course_id},
            {"$set": {"state": "running", "error": None, "updated_at": utcnow()}, "$inc": {"attempts": 1}},
            return_document=ReturnDocument.AFTER,
        )

    async def count_removed(self, course_id: str, step: str, removed: int) -> None:
        """Add what one step removed (also proves the job is alive: ``updated_at`` moves)."""
        await self.collection.update_one(
            {"_id": course_id}, {"$inc": {field_path("removed", step): removed}, "$set": {"updated_at": utcnow()}}
        )

    async def forget_instructor(self, instructor_id: str) -> int:
        """Unlink a deleted account from its courses' removal jobs; how many were changed."""
        return await self.update_many({"instructor_id": instructor_id}, {"$set": {"instructor_id": None}})
