"""Deleting a course: hidden at once, then removed everywhere by a job on the worker.

``request`` hides the course (status ``removing``: gone from the catalogue, its page, enrolment,
search and progress) and moves its enrollments to ``course_removed``, then queues the cascade
(``courses.remove``, see :mod:`ingest.removal`) that deletes its files, chunks, materials, ingest
jobs and finally the course document. The job is keyed by the course id: asking again returns the
same job and queues it again unless it is visibly running, so a crashed run is resumed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tutor.db import Document
from tutor.errors import Forbidden, NotFound
from tutor.queue import TaskQueue
from tutor.repositories.course_removals import CourseRemovalRepository
from tutor.repositories.courses import CourseRepository
from tutor.repositories.enrollments import EnrollmentRepository
from tutor.schemas.common import utcnow
from tutor.services.course_state import REMOVING, is_live
from tutor.services.principal import Principal

TASK = "courses.remove"
# A running job whose ``updated_at`` is older than this is taken as dead and queued again.
ALIVE_FOR = timedelta(minutes=2)


class CourseRemovalService:
    """Course deletion requests and their jobs, for the course's instructor."""

    def __init__(
        self,
        courses: CourseRepository,
        enrollments: EnrollmentRepository,
        removals: CourseRemovalRepository,
        queue: TaskQueue,
    ) -> None:
        self.courses = courses
        self.enrollments = enrollments
        self.removals = removals
        self.queue = queue

    async def request(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """Hide the course and queue its removal; answers the job to poll.

        Raises:
            NotFound: No such course (or a removal of someone else's course).
            Forbidden: The caller is not the course's instructor.
            Unavailable: The job queue is down; the course stays hidden and asking again queues it.
        """
        job = await self.removals.get(course_id)
        course = await self.courses.get(course_id)
        if job is None:
            if course is None or not is_live(course):
                raise NotFound(f"course {course_id} not found")
            if course["instructor_id"] != principal.user_id:
                raise Forbidden("only the course's instructor may delete it")
            job = await self.removals.open(course)
        elif job["instructor_id"] != principal.user_id:
            raise NotFound(f"course {course_id} not found")
        if course is not None:
            await self._hide(course)
        if not _alive(job):
            await self.removals.set_state(course_id, "queued", error=None)
            await self.queue.enqueue(TASK, [course_id])
            job = await self.removals.get(course_id) or job
        return removal_view(job)

    async def status(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """The removal job of a course, for the instructor who deleted it."""
        job = await self.removals.get(course_id)
        if job is None or job["instructor_id"] != principal.user_id:
            raise NotFound("this course has no removal job")
        return removal_view(job)

    async def _hide(self, course: Document) -> None:
        if is_live(course):
            await self.courses.set_fields(course["_id"], {"status": REMOVING})
        retired = await self.enrollments.retire_course(course["_id"], str(course.get("title", "")))
        await self.removals.count_removed(course["_id"], "enrollments", len(retired))


def _alive(job: Document) -> bool:
    """Whether a worker is visibly working on the job now."""
    updated = job.get("updated_at")
    return job.get("state") in ("running", "waiting") and updated is not None and utcnow() - updated < ALIVE_FOR


def removal_view(job: Document) -> dict[str, Any]:
    """A removal job as its API shows it.

    ``state``: queued | running | waiting (for a running ingestion of the course) | retrying (after
    an error) | succeeded | failed (retries used up: send DELETE again). ``removed`` counts what each
    step deleted: enrollments moved to ``course_removed``, files, chunks, materials, ingest jobs.
    """
    out = {k: v for k, v in job.items() if k not in ("_id", "instructor_id")}
    out["id"] = job["_id"]
    return out
