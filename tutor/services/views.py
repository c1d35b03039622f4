"""Shaping stored documents into what each viewer may see."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.schemas.tutor_policy import policy_of
from tutor.services.labels import CourseLabels, LessonRef
from tutor.services.skills import course_skill_names

PUBLIC_QUESTION_FIELDS = ("id", "prompt", "choices", "skills")


def user_view(user: Document) -> dict[str, Any]:
    """A user without secrets."""
    return {
        "id": user["_id"],
        "email": user["email"],
        "role": user["role"],
        "profile": user.get("profile", {}),
        "created_at": user.get("created_at"),
        "updated_at": user.get("updated_at"),
    }


def course_view(course: Document, *, with_answers: bool) -> dict[str, Any]:
    """A course; quiz answer keys and explanations only when ``with_answers`` (its instructor).

    ``skill_names`` holds a display name for every skill of the course (the author's, else derived).
    """
    out = {key: value for key, value in course.items() if key not in ("_id", "modules")}
    out["id"] = course["_id"]
    out["skill_names"] = course_skill_names([course])
    out["tutor_policy"] = policy_of(course).model_dump()
    out["modules"] = [
        {
            **{k: v for k, v in module.items() if k != "lessons"},
            "lessons": [_lesson_view(lesson, with_answers) for lesson in module.get("lessons", [])],
        }
        for module in course.get("modules", [])
    ]
    return out


def course_summary(course: Document) -> dict[str, Any]:
    """Catalogue entry: no lesson bodies, no quizzes."""
    lessons = [lesson for module in course.get("modules", []) for lesson in module.get("lessons", [])]
    out = {key: value for key, value in course.items() if key not in ("_id", "modules")}
    out["id"] = course["_id"]
    out["skill_names"] = course_skill_names([course])
    out["tutor_policy"] = policy_of(course).model_dump()
    out["module_count"] = len(course.get("modules", []))
    out["lesson_count"] = len(lessons)
    return out


def _lesson_view(lesson: Document, with_answers: bool) -> dict[str, Any]:
    out = {k: v for k, v in lesson.items() if k != "quiz"}
    quiz = lesson.get("quiz")
    if quiz:
        questions = quiz.get("questions", [])
        if not with_answers:
            questions = [{k: q[k] for k in PUBLIC_QUESTION_FIELDS if k in q} for q in questions]
        out["quiz"] = {"questions": questions}
    else:
        out["quiz"] = None
    return out


def progress_view(doc: Document, labels: CourseLabels | None = None) -> dict[str, Any]:
    """A progress document in the schema's shape (``quiz_scores`` as a list).

    Titles and names sit next to the ids: ``course_title``, ``quiz_scores[].lesson_title``,
    ``weak_areas[].skill_name`` and ``skill_names`` (``{skill_id: display name}`` of every skill in
    ``mastery`` and ``weak_areas``). Without ``labels`` titles are empty and skill names derived.
    """
    labels = labels or CourseLabels()
    scores = doc.get("quiz_scores", {})
    mastery = doc.get("mastery", {})
    weak_areas = labels.name_weak_areas(doc.get("weak_areas", []))
    return {
        "id": doc["_id"],
        "user_id": doc["user_id"],
        "course_id": doc["course_id"],
        "course_title": labels.course_titles.get(doc["course_id"], ""),
        "progress_percentage": doc.get("progress_percentage", 0.0),
        "completed_lessons": doc.get("completed_lessons", []),
        "quiz_scores": [
            {
                "lesson_id": lesson_id,
                "lesson_title": _title(labels.lesson_ref(doc["course_id"], lesson_id)),
                "score": entry.get("score"),
                "best_score": entry.get("best_score"),
                "attempts": entry.get("attempts", 0),
                "last_attempt_at": entry.get("last_attempt_at"),
            }
            for lesson_id, entry in sorted(scores.items())
        ],
        "time_spent": doc.get("time_spent", 0),
        "weak_areas": weak_areas,
        "mastery": mastery,
        "skill_names": labels.names_of([*mastery, *(area["skill"] for area in weak_areas)]),
        "last_accessed": doc.get("last_accessed"),
        "completion_date": doc.get("completion_date"),
    }


def _title(ref: LessonRef | None) -> str:
    return ref.title if ref is not None else ""


def iter_lessons(course: Document) -> list[Document]:
    """Every lesson of a course in order."""
    return [lesson for module in course.get("modules", []) for lesson in module.get("lessons", [])]
