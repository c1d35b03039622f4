"""The answer for a student whose learner model has not been computed yet: cheap, catalogue-based.

The learner model (knowledge tracing, the policy, the path optimizer) runs on the worker. Until it
has stored a student's document, ``GET /api/ai/recommendations/{id}/`` answers from this module:
the same greedy heuristic the model falls back on, over what is already stored (the catalogue, the
student's enrollments, completed lessons and any per-course mastery), with no model and no search.

* Courses: live courses the student does not take, whose prerequisite skills they have mastered.
* Next lessons: lessons not completed in their courses, whose prerequisite lessons are completed.
* No learning path (the optimizer is the expensive part): ``course_ids`` is empty until the refresh.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from recommender.candidates import course_candidates, course_rec, lesson_candidates
from recommender.mastery import MASTERED
from recommender.rl.explain import Candidate, Recommendation, eligible, explain, goals_to_skills
from recommender.rl.explain import heuristic_scores as scores_of
from tutor.db import Document
from tutor.schemas.common import utcnow

COLD_START = "cold_start"
LEARNER_MODEL = "learner_model"
TOP_K = 3
MAX_WEAK_AREAS = 10


def cold_start(
    user: Document, courses: Sequence[Document], enrolled: Collection[str], progress: Sequence[Document]
) -> dict[str, Any]:
    """A provisional recommendations document with every key of the stored one.

    Args:
        user: The student (``_id``, ``profile.career_goals``).
        courses: Live courses (outline: skills, prerequisites, duration, modules and lessons).
        enrolled: Ids of the courses the student takes.
        progress: The student's progress documents (``completed_lessons``, ``mastery``, ``weak_areas``).

    Returns:
        ``recommended_courses``, ``next_lessons``, ``learning_path``, ``target_skills``,
        ``career_goals``, ``user_id``, ``weak_areas``, ``mastery``, ``knowledge_model`` (None),
        ``generated_at``, ``pending`` (True) and ``source`` (``cold_start``).
    """
    by_course = {p["course_id"]: p for p in progress if p.get("course_id") in enrolled}
    mastery: dict[str, float] = {}
    for entry in by_course.values():
        for skill, info in (entry.get("mastery") or {}).items():
            mastery[skill] = max(mastery.get(skill, 0.0), float(info.get("p", 0.0)))
    weak = [{**w, "course_id": cid} for cid, entry in by_course.items() for w in entry.get("weak_areas") or []]
    held = {s for s, p in mastery.items() if p >= MASTERED}
    all_skills = list(dict.fromkeys(s for c in courses for s in c.get("skills", [])))
    goals = [str(g) for g in (user.get("profile") or {}).get("career_goals") or []]
    goal_text = ", ".join(goals)
    goal_skills = set(goals_to_skills(goals, all_skills)) if goals else set()
    enrolled_skills = {s for c in courses if c["_id"] in enrolled for s in c.get("skills", [])}
    targets = (goal_skills | enrolled_skills) - held
    titles = {c["_id"]: c.get("title", "") for c in courses}

    open_courses = [c for c in course_candidates(courses, enrolled) if eligible(c, mastery)]
    lessons, owners = _open_lessons(courses, enrolled, by_course)
    return {
        "user_id": user["_id"],
        "recommended_courses": [course_rec(r, titles) for _, r in _rank(open_courses, mastery, targets, goal_text)],
        "next_lessons": [
            {**course_rec(r, {r.item_id: lessons[i].title}), "course_id": owners[i], "lesson_id": r.item_id}
            for i, r in _rank(lessons, mastery, targets, goal_text)
        ],
        "learning_path": {
            "course_ids": [],
            "courses": [],
            "total_hours": 0.0,
            "goal_skills": sorted((goal_skills or enrolled_skills or set(all_skills)) - held),
            "covered": [],
            "exact": False,
            "feasible": False,
        },
        "target_skills": sorted(targets),
        "career_goals": goals,
        "weak_areas": sorted(weak, key=lambda w: float(w.get("mastery", 1.0)))[:MAX_WEAK_AREAS],
        "mastery": mastery,
        "knowledge_model": None,
        "generated_at": utcnow(),
        "pending": True,
        "source": COLD_START,
    }


def _open_lessons(
    courses: Sequence[Document], enrolled: Collection[str], progress: Mapping[str, Document]
) -> tuple[list[Candidate], list[str]]:
    """Lessons whose prerequisite lessons are completed (so their prerequisites count as met), and
    each one's course id (lesson ids are unique within a course only)."""
    ready: list[Candidate] = []
    owners: list[str] = []
    for course in courses:
        if course["_id"] not in enrolled:
            continue
        done = set(progress.get(course["_id"], {}).get("completed_lessons", []))
        needs = {
            lesson["id"]: set(lesson.get("prerequisites") or [])
            for m in course.get("modules", [])
            for lesson in m.get("lessons", [])
        }
        candidates, _ = lesson_candidates([course], enrolled, progress)
        for cand in candidates:
            if needs.get(cand.item_id, set()) <= done:
                ready.append(replace(cand, prerequisites=()))
                owners.append(course["_id"])
    return ready, owners


def _rank(
    candidates: Sequence[Candidate], mastery: Mapping[str, float], targets: set[str], goal_text: str
) -> list[tuple[int, Recommendation]]:
    """The best :data:`TOP_K` by the greedy heuristic (ties keep catalogue order) with their positions;
    confidences are shares of the total score, as the learner model's heuristic gives them."""
    scores = scores_of(candidates, mastery, targets)
    total = sum(scores)
    ranked = sorted(range(len(candidates)), key=lambda i: -scores[i])[:TOP_K]
    return [
        (
            i,
            Recommendation(
                candidates[i].item_id,
                candidates[i].kind,
                round(scores[i] / total, 4) if total > 0 else 0.0,
                explain(candidates[i], mastery, targets, goal_text),
                "heuristic",
            ),
        )
        for i in ranked
    ]
