"""Course materials as instructors and students see them: upload, list, delete, job status, search."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ingest.detect import detect_kind
from ingest.errors import EmptyFile, check_size
from ingest.records import new_job, plan_upload
from ingest.storage import FileStorage, material_prefix
from ingest.upload_rollback import UploadRollback
from retrieval.service import RetrievalService
from tutor.db import Document
from tutor.errors import Conflict, Forbidden, InvalidInput, NotFound, Unavailable
from tutor.queue import TaskQueue
from tutor.repositories.materials import JobRepository, MaterialRepository
from tutor.services.course_tree import find_lesson
from tutor.services.courses import CourseService
from tutor.services.enrollment import EnrollmentService
from tutor.services.principal import Principal

MAX_FILES = 50
SYSTEM = "system"  # created_by of a job nobody asked for (a title change)
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file."""

    filename: str
    data: bytes


class MaterialService:
    """Materials of courses; ingestion itself runs in a worker, queued through ``queue``."""

    def __init__(
        self,
        materials: MaterialRepository,
        jobs: JobRepository,
        courses: CourseService,
        enrollment: EnrollmentService,
        storage: FileStorage,
        retrieval: Callable[[], RetrievalService],
        queue: TaskQueue,
        max_bytes: int,
    ) -> None:
        self.materials = materials
        self.jobs = jobs
        self.courses = courses
        self.enrollment = enrollment
        self.storage = storage
        self.retrieval = retrieval
        self.queue = queue
        self.max_bytes = max_bytes

    async def upload(
        self, principal: Principal, course_id: str, uploads: Sequence[Upload], lesson_id: str | None = None
    ) -> dict[str, Any]:
        """Check, store and queue files for ingestion; answers the new job.

        Size (413), type (415) and empty files are refused before anything is stored, so a bad request
        changes nothing; when the job queue is down (503) what was stored is undone, so a refused upload
        changes nothing either. Parsing errors are found by the worker and reported per file on the job.
        """
        course = await self.courses.owned(course_id, principal)
        if lesson_id is not None and find_lesson(course, lesson_id) is None:
            raise NotFound(f"lesson {lesson_id} not found in this course")
        if not uploads:
            raise InvalidInput("attach at least one file")
        if len(uploads) > MAX_FILES:
            raise InvalidInput(f"at most {MAX_FILES} files per upload")
        names = [u.filename for u in uploads]
        if len(set(names)) != len(names):
            raise InvalidInput("the same file name appears twice in this upload")
        for upload in uploads:
            check_size(upload.filename, len(upload.data), self.max_bytes)
            if not upload.data.strip():
                raise EmptyFile(f"{upload.filename} is empty.", filename=upload.filename)
            detect_kind(upload.filename, upload.data)
        plan = plan_upload(course_id, [(u.filename, len(u.data), lesson_id) for u in uploads], principal.user_id)
        rollback = await UploadRollback.capture(plan, self.materials, self.storage)
        for upload, (doc_id, fields) in zip(uploads, plan.materials.items(), strict=True):
            await asyncio.to_thread(self.storage.put, plan.keys[doc_id], upload.data, "application/octet-stream")
            await self.materials.upsert(doc_id, fields)
        job = plan.job
        await self.jobs.insert(job)
        try:
            await self.queue.enqueue("ingest.run_job", [job["_id"]])
        except Unavailable:
            await rollback.undo(self.materials, self.jobs, self.storage)
            raise
        return job_view(job)

    async def reindex(self, principal: Principal, course_id: str) -> list[dict[str, Any]]:
        """Queue the course's stored files for indexing again (its instructor); answers the jobs.

        One job per :data:`MAX_FILES` files, as for uploads. The worker leaves alone every file whose
        index is current (same bytes, index format and titles), so this is cheap when nothing changed;
        it brings back a course indexed under an older format or whose titles changed while the job
        queue was down. Refresh jobs of the course queued in the last ten minutes and not started yet are
        answered instead of queuing more: they read the files and titles when they start.
        """
        await self.courses.owned(course_id, principal)
        jobs = await self._refresh(course_id, principal.user_id)
        if not jobs:
            raise Conflict("this course has no material to index yet; upload some first")
        return [job_view(job) for job in jobs]

    async def titles_changed(self, course_id: str) -> None:
        """A course, module or lesson title changed, or a lesson went: index the material under the new ones.

        Called after the edit was saved: when the job queue is down the edit stands, and the instructor's
        re-index (or the next upload) brings the index up to date.
        """
        try:
            await self._refresh(course_id, SYSTEM)
        except Unavailable:
            log.warning("course %s: titles changed but the re-index could not be queued", course_id)

    async def _refresh(self, course_id: str, created_by: str) -> list[Document]:
        waiting = await self.jobs.waiting(course_id, "refresh")
        if waiting:
            return waiting
        materials = await self.materials.of_course(course_id)
        jobs = [
            new_job(course_id, created_by, materials[i : i + MAX_FILES], reason="refresh")
            for i in range(0, len(materials), MAX_FILES)
        ]
        for job in jobs:
            await self.jobs.insert(job)
        try:
            for job in jobs:
                await self.queue.enqueue("ingest.run_job", [job["_id"]])
        except Unavailable:
            for job in jobs:  # a job already sent then finds no record and stops (LookupError) before any work
                await self.jobs.delete(job["_id"])
            raise
        return jobs

    async def job(self, principal: Principal, job_id: str) -> dict[str, Any]:
        """A job's status, for the instructor of its course."""
        job = await self.jobs.get(job_id)
        if job is None:
            raise NotFound("ingest job not found")
        await self.courses.owned(job["course_id"], principal)
        return job_view(job)

    async def retry(self, principal: Principal, job_id: str) -> dict[str, Any]:
        """Queue a job again (safe: ingestion is idempotent), e.g. after a worker died."""
        job = await self.job(principal, job_id)
        await self.queue.enqueue("ingest.run_job", [job_id])
        return job

    async def list(self, principal: Principal, course_id: str) -> list[dict[str, Any]]:
        """Materials of a course (its instructor)."""
        await self.courses.owned(course_id, principal)
        return [material_view(m) for m in await self.materials.of_course(course_id)]

    async def delete(self, principal: Principal, course_id: str, document_id: str) -> None:
        """Remove a material: its chunks from every index, its stored file, its record."""
        await self.courses.owned(course_id, principal)
        material = await self.materials.get(document_id)
        if material is None or material["course_id"] != course_id:
            raise NotFound("material not found")
        await asyncio.to_thread(self.retrieval().delete_document, course_id, document_id)
        await asyncio.to_thread(self.storage.delete_prefix, material_prefix(course_id, document_id))
        await self.materials.delete(document_id)

    async def search(
        self, principal: Principal, course_id: str, query: str, k: int = 5, lesson_id: str | None = None
    ) -> dict[str, Any]:
        """Hybrid search in a course's material, for enrolled students and its instructor."""
        course = await self.courses.get_doc(course_id)
        if not await self.enrollment.can_read(principal, course):
            raise Forbidden("enroll in this course to search its material")
        query = query.strip()
        if not query:
            raise InvalidInput("q must not be empty")
        hits = await asyncio.to_thread(self.retrieval().search, course_id, query, k, lesson_id)
        return {"query": query, "course_id": course_id, "results": [hit.to_dict() for hit in hits]}


def job_view(job: Document) -> dict[str, Any]:
    """A job as its API shows it."""
    out = {k: v for k, v in job.items() if k != "_id"}
    out["id"] = job["_id"]
    return out


def material_view(material: Document) -> dict[str, Any]:
    """A material without internal storage details."""
    out = {k: v for k, v in material.items() if k not in ("_id", "storage_key", "indexed_hash")}
    out["id"] = material["_id"]
    return out
