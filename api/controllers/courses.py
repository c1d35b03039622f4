"""``/api/courses``: the catalogue and instructors' course editing."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, delete, get, patch, post
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import Parameter

from api.auth import instructor_only
from api.params import PathId
from api.schemas.convert import typed
from api.schemas.courses import CourseOut, CoursePageOut, RemovalJobOut
from tutor.container import Services
from tutor.schemas.common import ID_PATTERN
from tutor.schemas.courses import CourseIn, CourseQuery, CourseUpdate, Difficulty, SortField
from tutor.services.course_removal import CourseRemovalService
from tutor.services.principal import Principal

# Litestar leaves a zero bound out of an optional parameter's schema, so ``minimum`` is stated explicitly.
Price = Annotated[float | None, Parameter(ge=0, schema_extra={"minimum": 0})]
TAG = Schema(type=OpenAPIType.STRING, max_length=50)


class CourseController(Controller):
    """Courses."""

    path = "/api/courses"
    tags = ["courses"]

    @get("/", summary="List courses")
    async def list_courses(
        self,
        services: Services,
        category: str | None = None,
        difficulty_level: Difficulty | None = None,
        tags: Annotated[
            list[str] | None,
            Parameter(description="Repeat or comma-separate; all must match.", schema_extra={"items": TAG}),
        ] = None,
        min_price: Price = None,
        max_price: Price = None,
        q: Annotated[
            str | None, Parameter(max_length=200, description="Text search in title, description and tags.")
        ] = None,
        instructor_id: Annotated[str | None, Parameter(pattern=ID_PATTERN)] = None,
        sort: SortField = "created_at",
        order: Literal["asc", "desc"] = "desc",
        page: Annotated[int, Parameter(ge=1, le=10_000)] = 1,
        page_size: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> CoursePageOut:
        """Filter, sort and paginate the catalogue (``min_price`` must not exceed ``max_price``)."""
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
        return typed(await services.courses.list(query), CoursePageOut)

    @get("/{course_id:str}/", summary="Get a course")
    async def get_course(self, course_id: PathId, services: Services, principal: Principal) -> CourseOut:
        """A course with modules, lessons and quizzes (answer keys only for its instructor)."""
        return typed(await services.courses.get(course_id, principal), CourseOut)

    @post("/", guards=[instructor_only], status_code=201, summary="Create a course")
    async def create_course(self, data: CourseIn, services: Services, principal: Principal) -> CourseOut:
        """Create a course, optionally with its modules, lessons and quizzes."""
        return typed(await services.courses.create(data, principal), CourseOut)

    @patch("/{course_id:str}/", guards=[instructor_only], summary="Update a course")
    async def update_course(
        self, course_id: PathId, data: CourseUpdate, services: Services, principal: Principal
    ) -> CourseOut:
        """Change a course's fields (its instructor only)."""
        return typed(await services.courses.update(course_id, data, principal), CourseOut)

    @delete("/{course_id:str}/", guards=[instructor_only], status_code=202, summary="Delete a course")
    async def delete_course(
        self, course_id: PathId, removals: CourseRemovalService, principal: Principal
    ) -> RemovalJobOut:
        """Delete a course (its instructor only): it disappears at once, a worker job removes the rest.

        Its enrollments become ``course_removed``; its files, chunks, materials and ingest jobs are
        deleted by the job; students keep their progress and attempts in their own export. Poll the
        returned job at ``/api/courses/{course_id}/removal/``; sending DELETE again resumes a stopped job.
        """
        return typed(await removals.request(principal, course_id), RemovalJobOut)

    @get("/{course_id:str}/removal/", guards=[instructor_only], summary="Course removal job status")
    async def removal(self, course_id: PathId, removals: CourseRemovalService, principal: Principal) -> RemovalJobOut:
        """State of the course's removal job and what each step removed."""
        return typed(await removals.status(principal, course_id), RemovalJobOut)
