"""Enrollment routes."""

from __future__ import annotations

from litestar import Controller, delete, get, post

from api.params import PathId
from api.schemas.convert import typed
from api.schemas.progress import EnrollmentOut
from tutor.container import Services
from tutor.schemas.progress import EnrollIn
from tutor.services.principal import Principal


class EnrollmentController(Controller):
    """The caller's enrollments."""

    tags = ["enrollment"]

    @post("/api/courses/enroll/", status_code=201, summary="Enroll in a course")
    async def enroll(self, data: EnrollIn, services: Services, principal: Principal) -> EnrollmentOut:
        """Enroll the caller in ``course_id``."""
        return typed(await services.enrollment.enroll(principal, data.course_id), EnrollmentOut)

    @get("/api/enrollments/", summary="My enrollments")
    async def mine(self, services: Services, principal: Principal) -> list[EnrollmentOut]:
        """The caller's active enrollments (those of removed courses appear only in the data export)."""
        return typed(await services.enrollment.mine(principal), list[EnrollmentOut])

    @delete("/api/enrollments/{course_id:str}/", summary="Leave a course")
    async def unenroll(self, course_id: PathId, services: Services, principal: Principal) -> None:
        """Unenroll the caller (progress is kept)."""
        await services.enrollment.unenroll(principal, course_id)
