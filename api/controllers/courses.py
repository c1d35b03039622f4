"""``/api/courses``: the catalogue and instructors' course editing."""

from __future__ import annotations

from typing import Any

from litestar import Controller, delete, get, patch, post
from litestar.params import Parameter

from api.auth import instructor_only
from api.params import PathId
from tutor.container import Services
from tutor.models.courses import CourseIn, CourseQuery, CourseUpdate
from tutor.services.course_removal import CourseRemovalService
from tutor.services.principal import Principal


class CourseController(Controller):
    """Courses."""

    path = "/api/courses"
    tags = ["courses"]

    @get("/", summary="List courses")
    async def list_courses(
        self,
        services: Services,
        category: str | None = None,
        difficulty_level: str | None = None,
        tags: list[str] | None = Parameter(default=None, description="Repeat or comma-separate; all must match."),
        min_price: float | None = None,
        max_price: float | None = None,
        q: str | None = Parameter(default=None, description="Text search in title, description and tags."),
        instructor_id: str | None = None,
        sort: str = "created_at",
        order: str = "desc",
        page: int = 1,
        page_size: int = 20,
    ) -> dict[str, Any]:
        """Filter, sort and paginate the catalogue."""
        query = CourseQuery.model_validate(
            {
                "category": category,
                "difficulty_level": difficulty_level,
                "tags": [t for tag in tags or [] for t in tag.split(",") if t.strip()],
                "min_price": min_price,
                "max_price": max_price,
                "q": q,
                "instructor_id": instructor_id,
                "sort": sort,
                "order": order,
                "page": page,
                "page_size": page_size,
            }
        )
        return await services.courses.list(query)

    @get("/{course_id:str}/", summary="Get a course")
    async def get_course(self, course_id: PathId, services: Services, principal: Principal) -> dict[str, Any]:
        """A course with modules, lessons and quizzes (answer keys only for its instructor)."""
        return await services.courses.get(course_id, principal)

    @post("/", guards=[instructor_only], status_code=201, summary="Create a course")
    async def create_course(self, data: CourseIn, services: Services, principal: Principal) -> dict[str, Any]:
        """Create a course, optionally with its modules, lessons and quizzes."""
        return await services.courses.create(data, principal)

    @patch("/{course_id:str}/", guards=[instructor_only], summary="Update a course")
    async def update_course(
        self, course_id: PathId, data: CourseUpdate, services: Services, principal: Principal
    ) -> dict[str, Any]:
        """Change a course's fields (its instructor only)."""
        return await services.courses.update(course_id, data, principal)

    @delete("/{course_id:str}/", guards=[instructor_only], status_code=202, summary="Delete a course")
    async def delete_course(
        self, course_id: PathId, removals: CourseRemovalService, principal: Principal
    ) -> dict[str, Any]:
        """Delete a course (its instructor only): it disappears at once, a worker job removes the rest.

        Its enrollments become ``course_removed``; its files, chunks, materials and ingest jobs are
        deleted by the job; students keep their progress and attempts in their own export. Poll the
        returned job at ``/api/courses/{course_id}/removal/``; sending DELETE again resumes a stopped job.
        """
        return await removals.request(principal, course_id)

    @get("/{course_id:str}/removal/", guards=[instructor_only], summary="Course removal job status")
    async def removal(self, course_id: PathId, removals: CourseRemovalService, principal: Principal) -> dict[str, Any]:
        """State of the course's removal job and what each step removed."""
        return await removals.status(principal, course_id)
