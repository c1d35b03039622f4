"""Instructors' editing of modules, lessons and quizzes inside their courses."""

from __future__ import annotations

from litestar import Controller, delete, patch, post, put

from api.auth import instructor_only
from api.params import PathId
from api.schemas.convert import typed
from api.schemas.courses import CourseOut
from tutor.container import Services
from tutor.schemas.courses import LessonIn, LessonUpdate, ModuleIn, ModuleUpdate, QuizIn
from tutor.services.principal import Principal


class CourseContentController(Controller):
    """Module, lesson and quiz editing; every route answers the updated course."""

    path = "/api/courses/{course_id:str}"
    tags = ["course content"]
    guards = [instructor_only]

    @post("/modules/", status_code=201, summary="Add a module")
    async def add_module(
        self, course_id: PathId, data: ModuleIn, services: Services, principal: Principal
    ) -> CourseOut:
        """Append a module (with optional lessons)."""
        return typed(await services.content.add_module(course_id, data, principal), CourseOut)

    @patch("/modules/{module_id:str}/", summary="Update a module")
    async def update_module(
        self, course_id: PathId, module_id: PathId, data: ModuleUpdate, services: Services, principal: Principal
    ) -> CourseOut:
        """Change a module's title or summary."""
        return typed(await services.content.update_module(course_id, module_id, data, principal), CourseOut)

    @delete("/modules/{module_id:str}/", status_code=200, summary="Delete a module")
    async def delete_module(
        self, course_id: PathId, module_id: PathId, services: Services, principal: Principal
    ) -> CourseOut:
        """Remove a module and its lessons."""
        return typed(await services.content.delete_module(course_id, module_id, principal), CourseOut)

    @post("/modules/{module_id:str}/lessons/", status_code=201, summary="Add a lesson")
    async def add_lesson(
        self, course_id: PathId, module_id: PathId, data: LessonIn, services: Services, principal: Principal
    ) -> CourseOut:
        """Append a lesson to a module."""
        return typed(await services.content.add_lesson(course_id, module_id, data, principal), CourseOut)

    @patch("/lessons/{lesson_id:str}/", summary="Update a lesson")
    async def update_lesson(
        self, course_id: PathId, lesson_id: PathId, data: LessonUpdate, services: Services, principal: Principal
    ) -> CourseOut:
        """Change a lesson's fields."""
        return typed(await services.content.update_lesson(course_id, lesson_id, data, principal), CourseOut)

    @delete("/lessons/{lesson_id:str}/", status_code=200, summary="Delete a lesson")
    async def delete_lesson(
        self, course_id: PathId, lesson_id: PathId, services: Services, principal: Principal
    ) -> CourseOut:
        """Remove a lesson."""
        return typed(await services.content.delete_lesson(course_id, lesson_id, principal), CourseOut)

    @put("/lessons/{lesson_id:str}/quiz/", summary="Replace a lesson's quiz")
    async def set_quiz(
        self, course_id: PathId, lesson_id: PathId, data: QuizIn, services: Services, principal: Principal
    ) -> CourseOut:
        """Set the quiz of a lesson."""
        return typed(await services.content.set_quiz(course_id, lesson_id, data, principal), CourseOut)
