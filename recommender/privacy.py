"""What an instructor may read of a student's learner model: the slice of their own courses.

A student's recommendations document spans every course they take and their career goals. An
instructor reading it (``GET /api/ai/recommendations/{user_id}/``) gets a new document built from
an allow-list, so no field added later can leak another course: weak areas and mastery from the
student's progress in the instructor's courses only, recommendations and the learning path
restricted to those courses, target skills restricted to their skills.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tutor.db import Document

MAX_WEAK_AREAS = 10


def instructor_slice(
    doc: Mapping[str, Any], taught: Iterable[Document], progress: Iterable[Document]
) -> dict[str, Any]:
    """The part of recommendations ``doc`` about the courses ``taught`` by the reader.

    Args:
        doc: The student's stored recommendations document.
        taught: The reader's live courses (``_id``, ``skills``, ``duration_hours``).
        progress: The student's progress documents in those courses (``mastery``, ``weak_areas``).
    """
    courses = {str(c["_id"]): c for c in taught}
    skills = {s for c in courses.values() for s in c.get("skills", [])}
    mastery: dict[str, float] = {}
    weak: list[dict[str, Any]] = []
    for entry in progress:
        if entry.get("course_id") not in courses:
            continue
        for skill, info in (entry.get("mastery") or {}).items():
            mastery[skill] = max(mastery.get(skill, 0.0), float(info.get("p", 0.0)))
        weak.extend({**w, "course_id": entry["course_id"]} for w in entry.get("weak_areas") or [])
    path = doc.get("learning_path") or {}
    path_ids = [c for c in path.get("course_ids", []) if c in courses]
    return {
        "user_id": doc.get("user_id"),
        "scope": "instructor",
        "course_ids": sorted(courses),
        "recommended_courses": _within(doc.get("recommended_courses"), courses),
        "next_lessons": _within(doc.get("next_lessons"), courses),
        "learning_path": {
            "course_ids": path_ids,
            "courses": _within(path.get("courses"), courses),
            "total_hours": sum(float(courses[c].get("duration_hours") or 0.0) for c in path_ids),
            "goal_skills": [s for s in path.get("goal_skills", []) if s in skills],
            "covered": [s for s in path.get("covered", []) if s in skills],
        },
        "weak_areas": sorted(weak, key=lambda w: float(w.get("mastery", 1.0)))[:MAX_WEAK_AREAS],
        "mastery": mastery,
        "target_skills": [s for s in doc.get("target_skills", []) if s in skills],
        "knowledge_model": doc.get("knowledge_model"),
        "generated_at": doc.get("generated_at"),
    }


def _within(items: Iterable[Mapping[str, Any]] | None, courses: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(item) for item in items or [] if item.get("course_id") in courses]
