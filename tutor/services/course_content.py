"""Instructors' edits of modules, lessons and quizzes, under optimistic concurrency."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tutor.db import Document
from tutor.errors import Conflict, InvalidInput, NotFound
from tutor.repositories.courses import CourseRepository
from tutor.schemas.courses import LessonIn, LessonUpdate, ModuleIn, ModuleUpdate, QuizIn, QuizQuestionIn
from tutor.services.course_tree import build_lesson, build_module, check_tree, collect_skills
from tutor.services.courses import CourseService
from tutor.services.principal import Principal
from tutor.services.views import course_view

Edit = Callable[[list[Document]], None]
MAX_RETRIES = 5
MAX_QUESTIONS = 100  # as QuizIn allows


class CourseContentService:
    """Edits the module tree of a course its instructor owns."""

    def __init__(self, courses: CourseRepository, catalog: CourseService) -> None:
        self.courses = courses
        self.catalog = catalog

    async def add_module(self, course_id: str, data: ModuleIn, principal: Principal) -> dict[str, Any]:
        """Append a module."""
        module = build_module(data.model_dump())
        return await self._edit(course_id, principal, lambda modules: modules.append(module))

    async def update_module(
        self, course_id: str, module_id: str, data: ModuleUpdate, principal: Principal
    ) -> dict[str, Any]:
        """Change a module's title or summary."""
        fields = data.model_dump(exclude_unset=True, exclude_none=True)
        return await self._edit(course_id, principal, lambda m: _module(m, module_id).update(fields))

    async def delete_module(self, course_id: str, module_id: str, principal: Principal) -> dict[str, Any]:
        """Remove a module and its lessons."""

        def edit(modules: list[Document]) -> None:
            modules.remove(_module(modules, module_id))

        return await self._edit(course_id, principal, edit)

    async def add_lesson(self, course_id: str, module_id: str, data: LessonIn, principal: Principal) -> dict[str, Any]:
        """Append a lesson to a module."""
        lesson = build_lesson(data.model_dump())
        return await self._edit(course_id, principal, lambda m: _module(m, module_id)["lessons"].append(lesson))

    async def update_lesson(
        self, course_id: str, lesson_id: str, data: LessonUpdate, principal: Principal
    ) -> dict[str, Any]:
        """Change a lesson's fields."""
        fields = data.model_dump(exclude_unset=True, exclude_none=True)
        return await self._edit(course_id, principal, lambda m: _lesson(m, lesson_id).update(fields))

    async def delete_lesson(self, course_id: str, lesson_id: str, principal: Principal) -> dict[str, Any]:
        """Remove a lesson."""

        def edit(modules: list[Document]) -> None:
            for module in modules:
                module["lessons"] = [lesson for lesson in module["lessons"] if lesson["id"] != lesson_id]
                for lesson in module["lessons"]:
                    lesson["prerequisites"] = [p for p in lesson.get("prerequisites", []) if p != lesson_id]

        _lesson((await self.catalog.owned(course_id, principal))["modules"], lesson_id)
        return await self._edit(course_id, principal, edit)

    async def set_quiz(self, course_id: str, lesson_id: str, data: QuizIn, principal: Principal) -> dict[str, Any]:
        """Replace a lesson's quiz (question ids given are kept, so attempts stay linked)."""

        def edit(modules: list[Document]) -> None:
            lesson = _lesson(modules, lesson_id)
            rebuilt = build_lesson({**lesson, "quiz": data.model_dump()})
            lesson["quiz"] = rebuilt["quiz"]
            lesson["skills"] = list(dict.fromkeys([*lesson.get("skills", []), *rebuilt["skills"]]))

        return await self._edit(course_id, principal, edit)

    async def add_question(
        self, course_id: str, lesson_id: str, question: QuizQuestionIn, principal: Principal
    ) -> dict[str, Any]:
        """Append ``question`` (its id given) to a lesson's quiz; a question already there by that id is kept as is."""
        if question.id is None:
            raise InvalidInput("an appended question needs its id")

        def edit(modules: list[Document]) -> None:
            lesson = _lesson(modules, lesson_id)
            questions = list((lesson.get("quiz") or {}).get("questions", []))
            if any(q["id"] == question.id for q in questions):
                return
            if len(questions) >= MAX_QUESTIONS:
                raise InvalidInput(f"a quiz holds at most {MAX_QUESTIONS} questions")
            rebuilt = build_lesson({**lesson, "quiz": {"questions": [*questions, question.model_dump()]}})
            lesson["quiz"] = rebuilt["quiz"]
            lesson["skills"] = list(dict.fromkeys([*lesson.get("skills", []), *rebuilt["skills"]]))

        return await self._edit(course_id, principal, edit)

    async def _edit(self, course_id: str, principal: Principal, edit: Edit) -> dict[str, Any]:
        for _ in range(MAX_RETRIES):
            course = await self.catalog.owned(course_id, principal)
            modules = copy.deepcopy(course.get("modules", []))
            edit(modules)
            check_tree(modules)
            updated = {**course, "modules": modules, "skills": collect_skills(modules)}
            stored = await self.courses.replace_if_version(updated, course.get("version", 1))
            if stored is not None:
                await self.catalog.edited(course, stored)
                return course_view(stored, with_answers=True)
        raise Conflict("the course is being edited concurrently; retry")


def _module(modules: list[Document], module_id: str) -> Document:
    for module in modules:
        if module["id"] == module_id:
            return module
    raise NotFound(f"module {module_id} not found")


def _lesson(modules: list[Document], lesson_id: str) -> Document:
    for module in modules:
        for lesson in module["lessons"]:
            if lesson["id"] == lesson_id:
                found: Document = lesson
                return found
    raise NotFound(f"lesson {lesson_id} not found")
