"""What the learner model can recommend, built from course documents (no model, no torch).

Shared by the learner model (:mod:`recommender.learner`, on the worker) and the cold-start answer
(:mod:`recommender.cold_start`, in the API) so both describe courses and lessons the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from recommender.rl.explain import Candidate, Recommendation
from tutor.db import Document


def course_candidates(courses: Sequence[Document], enrolled: Collection[str]) -> list[Candidate]:
    """Courses the student does not take yet (and that teach something), in catalogue order."""
    return [
        Candidate(
            c["_id"],
            "course",
            tuple(c.get("skills", [])),
            tuple(c.get("prerequisite_skills", [])),
            float(c.get("duration_hours") or 1.0),
            c.get("title", ""),
        )
        for c in courses
        if c["_id"] not in enrolled and c.get("skills")
    ]


def lesson_candidates(
    courses: Sequence[Document], enrolled: Collection[str], progress: Mapping[str, Document]
) -> tuple[list[Candidate], dict[str, str]]:
    """Lessons not completed yet in the courses the student takes, and each lesson's course id.

    A lesson's prerequisites are the skills of the lessons it names as prerequisites.
    """
    candidates: list[Candidate] = []
    owner: dict[str, str] = {}
    for course in courses:
        if course["_id"] not in enrolled:
            continue
        done = set(progress.get(course["_id"], {}).get("completed_lessons", []))
        lessons = {lesson["id"]: lesson for m in course.get("modules", []) for lesson in m.get("lessons", [])}
        for lesson in lessons.values():
            if lesson["id"] in done or not lesson.get("skills"):
                continue
            prereq_skills = tuple(
                dict.fromkeys(s for p in lesson.get("prerequisites", []) for s in lessons.get(p, {}).get("skills", []))
            )
            candidates.append(
                Candidate(
                    lesson["id"],
                    "lesson",
                    tuple(lesson["skills"]),
                    prereq_skills,
                    lesson.get("duration_minutes", 10) / 60,
                    lesson["title"],
                )
            )
            owner[lesson["id"]] = course["_id"]
    return candidates, owner


def course_rec(rec: Recommendation, titles: Mapping[str, str]) -> dict[str, Any]:
    """A recommendation as stored and served: ``course_id``, ``title``, ``confidence_score``, ``reason``, ``source``."""
    return {
        "course_id": rec.item_id,
        "title": titles.get(rec.item_id, ""),
        "confidence_score": rec.confidence_score,
        "reason": rec.reason,
        "source": rec.source,
    }
