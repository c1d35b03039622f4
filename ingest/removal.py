"""Removing a course everywhere, on the worker: the cascade behind ``DELETE /api/courses/{id}/``.

Every step is idempotent, so a re-run (a redelivered task after a worker crash, a second DELETE)
resumes where the last run stopped and a finished removal run again changes nothing:

1. the course is hidden (status ``removing``; the API already did this) and its active enrollments
   become ``course_removed``, keeping the course title for the students' own export;
2. while an ingestion job of the course is still running, the removal waits (the job stops at its
   next progress report, see :mod:`ingest.worker`) so nothing is written after the cleanup;
3. stored files: every key under ``courses/{id}/`` and any material's own key;
4. chunks in the vector store; the lexical index is built from them in each process and is dropped
   there as soon as the store no longer has the course;
5. material records and ingest jobs, then the course document itself; the job ends ``succeeded``.

Progress documents and quiz attempts are kept: they belong to the students and appear in their
export, while the API no longer serves them as a live course.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from ingest.storage import FileStorage, course_prefix
from tutor.db import Mongo
from tutor.repositories.bundle import Repositories
from tutor.repositories.content_gaps import ContentGapRepository
from tutor.repositories.course_removals import CourseRemovalRepository
from tutor.repositories.courses import CourseRepository
from tutor.repositories.enrollments import EnrollmentRepository
from tutor.repositories.materials import JobRepository, MaterialRepository
from tutor.repositories.question_drafts import QuestionDraftRepository, QuestionJobRepository
from tutor.schemas.common import utcnow
from tutor.services.course_state import REMOVING, is_live

# An ingestion job whose state has not moved for this long is taken as dead (its worker crashed).
INGEST_STALE_AFTER = timedelta(minutes=10)


class ChunkRemover(Protocol):
    """The part of the retrieval service the removal needs (``RetrievalService`` satisfies it)."""

    def count(self, course_id: str) -> int:
        """Number of chunks stored for a course."""
        ...

    def delete_course(self, course_id: str) -> None:
        """Remove every chunk of a course."""
        ...


class IngestionRunning(RuntimeError):
    """An ingestion job of the course is still running; run the removal again shortly."""


@dataclass
class CourseRemoval:
    """Runs the removal job of one course over the stores it cleans."""

    removals: CourseRemovalRepository
    courses: CourseRepository
    enrollments: EnrollmentRepository
    materials: MaterialRepository
    jobs: JobRepository
    drafts: QuestionDraftRepository
    question_jobs: QuestionJobRepository
    content_gaps: ContentGapRepository
    storage: FileStorage
    chunks: ChunkRemover

    @classmethod
    def over(cls, mongo: Mongo, storage: FileStorage, chunks: ChunkRemover) -> CourseRemoval:
        """The removal over ``mongo``'s collections, ``storage`` and the chunk store."""
        core = Repositories.over(mongo)
        return cls(
            removals=core.removals,
            courses=core.courses,
            enrollments=core.enrollments,
            materials=core.materials,
            jobs=core.jobs,
            drafts=core.drafts,
            question_jobs=core.question_jobs,
            content_gaps=core.content_gaps,
            storage=storage,
            chunks=chunks,
        )

    async def run(self, course_id: str) -> list[str]:
        """Run (or resume) the removal of ``course_id``.

        Returns:
            Ids of every student who was enrolled, whose learner model should be refreshed.

        Raises:
            LookupError: There is no removal job for this course.
            IngestionRunning: Retry later; nothing has been deleted yet in this run.
        """
        job = await self.removals.started(course_id)
        if job is None:
            raise LookupError(f"no removal job for course {course_id}")
        course = await self.courses.get(course_id)
        if course is not None and is_live(course):
            await self.courses.set_fields(course_id, {"status": REMOVING})
        title = str(course.get("title", "")) if course else str(job.get("course_title", ""))
        retired = await self.enrollments.retire_course(course_id, title)
        await self.removals.count_removed(course_id, "enrollments", len(retired))
        if await self._ingesting(course_id):
            await self.removals.set_state(course_id, "waiting", error="waiting for an ingestion of this course to stop")
            raise IngestionRunning(course_id)
        await self.removals.count_removed(course_id, "files", await self._delete_files(course_id))
        await self.removals.count_removed(course_id, "chunks", await asyncio.to_thread(self._delete_chunks, course_id))
        steps = (
            ("materials", self.materials),
            ("ingest_jobs", self.jobs),
            ("question_drafts", self.drafts),
            ("question_jobs", self.question_jobs),
            ("content_gaps", self.content_gaps),  # questions students asked that the course did not cover
        )
        for step, repository in steps:
            await self.removals.count_removed(course_id, step, await repository.delete_many({"course_id": course_id}))
        await self.courses.delete(course_id)
        await self.removals.set_state(course_id, "succeeded", finished_at=utcnow())
        return await self.enrollments.all_user_ids_of_course(course_id)

    async def _ingesting(self, course_id: str) -> bool:
        since = utcnow() - INGEST_STALE_AFTER
        return await self.jobs.count({"course_id": course_id, "state": "running", "updated_at": {"$gte": since}}) > 0

    async def _delete_files(self, course_id: str) -> int:
        prefix = course_prefix(course_id)
        materials = await self.materials.of_course(course_id)
        elsewhere = [
            str(m["storage_key"]) for m in materials if not str(m.get("storage_key") or prefix).startswith(prefix)
        ]
        for key in elsewhere:
            await asyncio.to_thread(self.storage.delete, key)
        return len(elsewhere) + await asyncio.to_thread(self.storage.delete_prefix, prefix)

    def _delete_chunks(self, course_id: str) -> int:
        removed = self.chunks.count(course_id)
        self.chunks.delete_course(course_id)
        return removed
