"""What the progress and learner tools hand the model: titles, readable skill names, plain numbers.

Tool results are read by the local tutor model's reply templates and, as JSON, by an LLM. Both should
talk about the lesson "Loops" in "Introduction to Python Programming" and the skill "Strings", not
about ``l-loops``, ``python-intro`` or ``python.strings``. So these views carry titles and display
names, give scores as whole percents, and keep only the one id a tool accepts back (``course_id``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from recommender.mastery import MASTERED
from recommender.weakness import WeaknessConfig
from tutor.services.labels import CourseLabels

RECENT_ANSWERS = WeaknessConfig().recent  # the analyzer counts recent errors over this many answers


def percent(fraction: Any) -> int | None:
    """A 0..1 value as a whole percent (``None`` when it is not a number)."""
    return round(float(fraction) * 100) if isinstance(fraction, int | float) else None


def progress_record(view: Mapping[str, Any], labels: CourseLabels) -> dict[str, Any]:
    """One course's progress for the tool.

    Args:
        view: A progress view (``tutor.services.views.progress_view``).
        labels: Labels of the course.

    Returns:
        ``course_id``, ``course_title``, ``progress_percentage`` (whole percent), ``lessons_completed``,
        ``lessons_total``, ``completed_lessons`` (titles), ``next_lesson`` (title or None), ``quiz_scores``
        (``lesson_title``, ``best_score``, ``score`` (latest), ``attempts``, ``last_attempt_at``; scores in
        whole percents), ``best_quiz`` (one of ``quiz_scores`` or None),
        ``weakest_skills`` (``skill_name``, ``mastery_percent``), ``time_spent_minutes``,
        ``completed``, ``last_accessed``.
    """
    course_id = str(view.get("course_id", ""))
    lessons = labels.lessons.get(course_id, [])
    done_ids = set(view.get("completed_lessons", []))
    done = [ref.title for ref in lessons if ref.id in done_ids]
    upcoming = next((ref.title for ref in lessons if ref.id not in done_ids), None)
    quizzes = [
        {
            "lesson_title": labels.lesson(course_id, q.get("lesson_id")),
            "best_score": _whole(q.get("best_score")),
            "score": _whole(q.get("score")),
            "attempts": q.get("attempts", 0),
            "last_attempt_at": q.get("last_attempt_at"),
        }
        for q in view.get("quiz_scores", [])
    ]
    scored = [q for q in quizzes if q["best_score"] is not None]
    weakest = labels.name_weak_areas(view.get("weak_areas", []))[:3]
    return {
        "course_id": course_id,
        "course_title": labels.course(course_id),
        "progress_percentage": _whole(view.get("progress_percentage")) or 0,
        "lessons_completed": len(done) if lessons else len(done_ids),
        "lessons_total": len(lessons),
        "completed_lessons": done,
        "next_lesson": upcoming,
        "quiz_scores": quizzes,
        "best_quiz": max(scored, key=lambda q: q["best_score"]) if scored else None,
        "weakest_skills": [
            {"skill_name": w["skill_name"], "mastery_percent": percent(w.get("mastery"))} for w in weakest
        ],
        "time_spent_minutes": round(float(view.get("time_spent") or 0) / 60),
        "completed": bool(view.get("completion_date")),
        "last_accessed": view.get("last_accessed"),
    }


def weak_area(area: Mapping[str, Any], labels: CourseLabels) -> dict[str, Any]:
    """One weak skill for the tool.

    Returns:
        ``skill_name``, ``course_id``, ``course_title``, ``mastery`` (0..1) and ``mastery_percent``, ``answers``,
        ``recent_wrong`` and ``recent_answers`` (wrong among the last few answers), ``last_practised``,
        ``review_lesson`` (title of the course's first lesson on the skill, or None).
    """
    skill = str(area.get("skill", ""))
    course_id = area.get("course_id")
    answers = int(area.get("attempts") or 0)
    # The lesson the skill is most central to (first among its skills), earliest in the course on a tie.
    teaching = [ref for ref in labels.lessons.get(course_id or "", []) if skill in ref.skills]
    review = min(teaching, key=lambda ref: ref.skills.index(skill)).title if teaching else None
    return {
        "skill_name": labels.skill(skill),
        "course_id": course_id,
        "course_title": labels.course_titles.get(course_id or "") or None,
        "mastery": round(float(area["mastery"]), 2) if isinstance(area.get("mastery"), int | float) else None,
        "mastery_percent": percent(area.get("mastery")),
        "answers": answers,
        "recent_wrong": int(area.get("recent_errors") or 0),
        "recent_answers": min(answers, RECENT_ANSWERS),
        "last_practised": area.get("last_seen"),
        "review_lesson": review,
    }


def recommendations(doc: Mapping[str, Any], labels: CourseLabels) -> dict[str, Any]:
    """The stored recommendations document, in words.

    Returns:
        ``next_lessons`` (``title``, ``course_id``, ``course_title``, ``why``, ``helps_goal``),
        ``recommended_courses`` (``course_id``, ``title``, ``why``, ``helps_goal``), ``learning_path``
        (``courses`` [``course_id``, ``title``], ``total_hours``, ``goal_skills`` names; or None),
        ``weak_areas`` (see :func:`weak_area`, top 3),
        ``career_goals``, ``generated_at``. ``why`` completes "because ..."; ``helps_goal`` says the item
        teaches a skill the student's ``career_goals`` call for.
    """
    why = _Why(doc.get("mastery") or {}, set(doc.get("target_skills") or []), doc.get("career_goals") or [], labels)
    lessons = []
    for rec in doc.get("next_lessons") or []:
        course_id = rec.get("course_id")
        ref = labels.lesson_ref(course_id, rec.get("lesson_id"))
        lessons.append(
            {
                "title": (ref.title if ref else "") or rec.get("title") or "a lesson",
                "course_id": course_id,
                "course_title": labels.course(course_id),
                "why": why.of(ref.skills if ref else ()),
                "helps_goal": why.helps_goal(ref.skills if ref else ()),
            }
        )
    courses = []
    for rec in doc.get("recommended_courses") or []:
        course_id = rec.get("course_id") or ""
        skills = labels.course_skills.get(course_id, ())
        courses.append(
            {
                "course_id": course_id,
                "title": labels.course_titles.get(course_id) or rec.get("title") or "a course",
                "why": why.of(skills),
                "helps_goal": why.helps_goal(skills),
            }
        )
    return {
        "next_lessons": lessons,
        "recommended_courses": courses,
        "learning_path": _path(doc.get("learning_path") or {}, labels),
        "weak_areas": [weak_area(w, labels) for w in (doc.get("weak_areas") or [])[:3]],
        "career_goals": list(doc.get("career_goals") or []),
        "generated_at": doc.get("generated_at"),
    }


class _Why:
    """The reason for suggesting an item, from the skill it works on that the student knows least."""

    def __init__(self, mastery: Mapping[str, float], targets: set[str], goals: Sequence[str], labels: CourseLabels):
        self.mastery = mastery
        self.targets = targets
        self.goals = [str(g) for g in goals if str(g).strip()]
        self.labels = labels

    def of(self, skills: Sequence[str]) -> str:
        """Completes "because ...": the item's least-known skill and the student's mastery of it."""
        if not skills:
            return "it is the next step in the course"
        skill = min(skills, key=lambda s: self.mastery.get(s, 0.0))
        name = self.labels.skill(skill)
        level = self.mastery.get(skill)
        if level is None:
            text = f"it introduces {name}, which you haven't practised yet"
        elif level < MASTERED:
            text = f"your mastery of {name} is {percent(level)}%"
        else:
            text = f"it builds on {name}, which you already know well ({percent(level)}%)"
        return text

    def helps_goal(self, skills: Sequence[str]) -> bool:
        """Whether the item teaches a skill the student's career goals call for."""
        return bool(self.goals) and any(s in self.targets for s in skills)


def _path(path: Mapping[str, Any], labels: CourseLabels) -> dict[str, Any] | None:
    course_ids = [str(c) for c in path.get("course_ids") or []]
    if not course_ids:
        return None
    return {
        "courses": [{"course_id": c, "title": labels.course_titles.get(c) or "a course"} for c in course_ids],
        "total_hours": round(float(path.get("total_hours") or 0), 1),
        "goal_skills": [labels.skill(s) for s in path.get("goal_skills") or []][:8],
    }


def _whole(value: Any) -> int | None:
    return round(float(value)) if isinstance(value, int | float) else None
