"""Building and checking a course's module → lesson → quiz tree."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.errors import InvalidInput
from tutor.schemas.common import new_id


def build_lesson(lesson: dict[str, Any]) -> Document:
    """A stored lesson from validated input, with stable ids filled in."""
    quiz = lesson.get("quiz")
    questions = [
        {**question, "id": question.get("id") or new_id("q-")} for question in (quiz or {}).get("questions", [])
    ]
    skills = list(dict.fromkeys([*lesson.get("skills", []), *(s for q in questions for s in q["skills"])]))
    return {
        "id": lesson.get("id") or new_id("l-"),
        "title": lesson["title"],
        "content": lesson.get("content", ""),
        "duration_minutes": lesson.get("duration_minutes", 10),
        "skills": skills,
        "prerequisites": lesson.get("prerequisites", []),
        "quiz": {"questions": questions} if questions else None,
    }


def build_module(module: dict[str, Any]) -> Document:
    """A stored module from validated input."""
    return {
        "id": module.get("id") or new_id("m-"),
        "title": module["title"],
        "summary": module.get("summary", ""),
        "lessons": [build_lesson(lesson) for lesson in module.get("lessons", [])],
    }


def build_modules(modules: list[dict[str, Any]]) -> list[Document]:
    """Stored modules from validated input; ids must be unique inside the course."""
    built = [build_module(module) for module in modules]
    check_tree(built)
    return built


def check_tree(modules: list[Document]) -> None:
    """Reject duplicate ids and prerequisites that name no lesson of the course."""
    seen: set[str] = set()
    lesson_ids: set[str] = set()
    for module in modules:
        _claim(seen, module["id"])
        for lesson in module["lessons"]:
            _claim(seen, lesson["id"])
            lesson_ids.add(lesson["id"])
            for question in (lesson.get("quiz") or {}).get("questions", []):
                _claim(seen, question["id"])
    for module in modules:
        for lesson in module["lessons"]:
            unknown = set(lesson.get("prerequisites", [])) - lesson_ids
            if unknown or lesson["id"] in lesson.get("prerequisites", []):
                raise InvalidInput(
                    f"lesson {lesson['id']} has prerequisites that are not other lessons of this course",
                    details={"unknown": sorted(unknown)},
                )


def collect_skills(modules: list[Document]) -> list[str]:
    """Every skill taught or tested in the course, in order of first appearance."""
    skills = [skill for module in modules for lesson in module["lessons"] for skill in lesson.get("skills", [])]
    return list(dict.fromkeys(skills))


def find_lesson(course: Document, lesson_id: str) -> Document | None:
    """The lesson with ``lesson_id`` in ``course``."""
    for module in course.get("modules", []):
        for lesson in module.get("lessons", []):
            if lesson["id"] == lesson_id:
                return dict(lesson)
    return None


def titles_changed(before: Document, after: Document) -> bool:
    """Whether an edit changed a title material is indexed under: the course's, or a lesson's or its
    module's for a lesson that was there before (renamed, moved or removed). Added lessons change nothing."""
    if before.get("title") != after.get("title"):
        return True
    now = _lesson_titles(after)
    return any(now.get(lesson_id) != titles for lesson_id, titles in _lesson_titles(before).items())


def _lesson_titles(course: Document) -> dict[str, tuple[str, str]]:
    return {
        lesson["id"]: (module.get("title", ""), lesson.get("title", ""))
        for module in course.get("modules", [])
        for lesson in module.get("lessons", [])
    }


def _claim(seen: set[str], item_id: str) -> None:
    if item_id in seen:
        raise InvalidInput(f"id {item_id!r} is used twice in this course")
    seen.add(item_id)
