"""Enrolling students in courses, and who may read a course's private parts."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.errors import Conflict, Forbidden, NotFound
from tutor.repositories.courses import CourseRepository
from tutor.repositories.enrollments import EnrollmentRepository
from tutor.repositories.progress import ProgressRepository
from tutor.schemas.common import new_id, utcnow
from tutor.services.activity import Activity, ActivityHook
from tutor.services.course_state import LIVE, is_live
from tutor.services.principal import Principal


class EnrollmentService:
    """Enrollments of the calling user."""

    def __init__(
        self,
        enrollments: EnrollmentRepository,
        courses: CourseRepository,
        progress: ProgressRepository,
        on_activity: ActivityHook | None = None,
    ) -> None:
        self.enrollments = enrollments
        self.courses = courses
        self.progress = progress
        self.on_activity = on_activity  # told of each enrollment (links it to an accepted recommendation)

    async def enroll(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """Enroll the caller in a course; a second enrollment is a :class:`Conflict`."""
        course = await self.courses.get(course_id)
        if course is None or not is_live(course):
            raise NotFound(f"course {course_id} not found")
        if course["instructor_id"] == principal.user_id:
            raise Conflict("you teach this course")
        doc = {
            "_id": new_id(),
            "user_id": principal.user_id,
            "course_id": course_id,
            "status": "active",
            "enrolled_at": utcnow(),
        }
        await self.enrollments.insert(doc, conflict_message="already enrolled in this course")
        await self.courses.add_enrollment(course_id, 1)
        await self.progress.create_if_missing(principal.user_id, course_id)
        if self.on_activity is not None:
            await self.on_activity(Activity(principal.user_id, course_id, "enrolled", skills=course.get("skills", [])))
        return enrollment_view(doc, course)

    async def unenroll(self, principal: Principal, course_id: str) -> None:
        """Leave a course (progress is kept, so re-enrolling resumes it)."""
        if not await self.enrollments.remove(principal.user_id, course_id):
            raise NotFound("not enrolled in this course")
        await self.courses.add_enrollment(course_id, -1)

    async def mine(self, principal: Principal) -> list[dict[str, Any]]:
        """The caller's active enrollments with course titles (removed courses are left out)."""
        docs = await self.enrollments.of_user(principal.user_id)
        out = []
        for doc in docs:
            course = await self.courses.get(doc["course_id"])
            out.append(enrollment_view(doc, course))
        return out

    async def require_enrolled(self, principal: Principal, course_id: str) -> None:
        """Raise :class:`Forbidden` unless the caller is enrolled in the course."""
        if await self.enrollments.find_one(principal.user_id, course_id) is None:
            raise Forbidden("enroll in this course first")

    async def can_read(self, principal: Principal, course: Document) -> bool:
        """Enrolled students and the course's instructor may read its material."""
        if course["instructor_id"] == principal.user_id:
            return True
        return await self.enrollments.find_one(principal.user_id, course["_id"]) is not None

    async def readable_course_ids(self, principal: Principal) -> list[str]:
        """Courses whose material the caller may read."""
        enrolled = [doc["course_id"] for doc in await self.enrollments.of_user(principal.user_id)]
        taught = [
            c["_id"]
            for c in await self.courses.find({"instructor_id": principal.user_id, **LIVE}, projection={"_id": 1})
        ]
        return list(dict.fromkeys([*enrolled, *taught]))

    async def require_live_course(self, course_id: str) -> None:
        """Raise :class:`NotFound` when the course does not exist or is being removed.

        Progress and quiz attempts of a removed course are kept for the students' own export, but
        are no longer served as a live course.
        """
        if not is_live(await self.courses.get(course_id)):
            raise NotFound(f"course {course_id} not found")

    async def live_course_ids(self, course_ids: list[str]) -> set[str]:
        """Those of ``course_ids`` whose course exists and is not being removed."""
        if not course_ids:  # nothing can match: no round trip
            return set()
        docs = await self.courses.find({"_id": {"$in": course_ids}, **LIVE}, projection={"_id": 1})
        return {doc["_id"] for doc in docs}


def enrollment_view(doc: Document, course: Document | None) -> dict[str, Any]:
    """An enrollment with its course title (the title kept on it when the course was removed)."""
    return {
        "id": doc["_id"],
        "course_id": doc["course_id"],
        "course_title": course["title"] if course else doc.get("course_title"),
        "status": doc.get("status", "active"),
        "enrolled_at": doc["enrolled_at"],
    }
