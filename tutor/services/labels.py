"""Titles and names for ids: course titles, lesson titles (in course order) and skill display names.

Built once from course documents so a response or a tool result can say "Loops" in "Introduction to
Python Programming" instead of ``l-loops`` in ``python-intro``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tutor.repositories.courses import OUTLINE, CourseRepository
from tutor.services.skills import course_skill_names, skill_label

# What a lesson's stored document needs for labels: no bodies, no quizzes.


@dataclass(frozen=True)
class LessonRef:
    """A lesson's id, title and skills."""

    id: str
    title: str
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class CourseLabels:
    """Readable names for the ids of some courses.

    Attributes:
        course_titles: ``{course_id: title}``.
        lessons: ``{course_id: [LessonRef, ...]}`` in the course's order.
        skill_names: ``{skill_id: display name}`` of every skill of these courses.
        course_skills: ``{course_id: skills the course teaches}``.
    """

    course_titles: dict[str, str] = field(default_factory=dict)
    lessons: dict[str, list[LessonRef]] = field(default_factory=dict)
    skill_names: dict[str, str] = field(default_factory=dict)
    course_skills: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_courses(cls, courses: Iterable[Mapping[str, Any]]) -> CourseLabels:
        """Labels of the given course documents (stored shape, ``_id`` or ``id``)."""
        docs = list(courses)
        titles: dict[str, str] = {}
        lessons: dict[str, list[LessonRef]] = {}
        skills: dict[str, tuple[str, ...]] = {}
        for doc in docs:
            course_id = str(doc.get("_id", doc.get("id", "")))
            titles[course_id] = str(doc.get("title") or "")
            skills[course_id] = tuple(doc.get("skills", []))
            lessons[course_id] = [
                LessonRef(str(lesson["id"]), str(lesson.get("title") or ""), tuple(lesson.get("skills", [])))
                for module in doc.get("modules", [])
                for lesson in module.get("lessons", [])
            ]
        return cls(titles, lessons, course_skill_names(docs), skills)

    def course(self, course_id: str | None) -> str:
        """The course's title, or "your course" (never the id)."""
        return self.course_titles.get(course_id or "") or "your course"

    def lesson(self, course_id: str | None, lesson_id: str | None) -> str:
        """The lesson's title (looked up in every known course when ``course_id`` is unknown), or "a lesson"."""
        ref = self.lesson_ref(course_id, lesson_id)
        return ref.title if ref is not None and ref.title else "a lesson"

    def lesson_ref(self, course_id: str | None, lesson_id: str | None) -> LessonRef | None:
        """The lesson, if known."""
        pools = [self.lessons.get(course_id or "", [])] + [v for k, v in self.lessons.items() if k != course_id]
        return next((ref for pool in pools for ref in pool if ref.id == lesson_id), None)

    def skill(self, skill_id: str) -> str:
        """The skill's display name (see :func:`tutor.services.skills.skill_label`)."""
        return skill_label(skill_id, self.skill_names)

    def names_of(self, skill_ids: Iterable[str]) -> dict[str, str]:
        """``{skill_id: display name}`` for the given skills."""
        return {skill: self.skill(skill) for skill in dict.fromkeys(skill_ids)}

    def name_weak_areas(self, areas: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Weak-area dicts with ``skill_name`` (and ``course_title`` when they name a course) added."""
        out = []
        for area in areas:
            named = {**area, "skill_name": self.skill(str(area.get("skill", "")))}
            if area.get("course_id"):
                named["course_title"] = self.course_titles.get(str(area["course_id"]), "")
            out.append(named)
        return out


async def load_labels(courses: CourseRepository, course_ids: Iterable[str] | None = None) -> CourseLabels:
    """Labels of the given courses (of every course when ``course_ids`` is None); unknown ids are skipped."""
    docs = await (courses.find({}, projection=OUTLINE) if course_ids is None else courses.outlines(course_ids))
    return CourseLabels.from_courses(docs)
