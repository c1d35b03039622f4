"""The learner model of one student, refreshed after each quiz: mastery, weak areas, recommendations, a path.

Reads ``users``, ``courses``, ``enrollments``, ``user_progress`` and ``quiz_attempts``; writes
``user_progress.weak_areas``/``mastery`` per course, one ``ai_recommendations`` document per user, and the
mastery after each open quiz interaction that followed an accepted recommendation.
Only attempts made before the student saw the question's answer key are evidence of mastery
(:mod:`tutor.services.quiz_evidence`); the others stay in the history but not in the estimates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from recommender.candidates import course_candidates, course_rec, lesson_candidates
from recommender.loop.outcomes import close_interactions
from recommender.mastery import MASTERED
from recommender.path import Course, optimize_path
from recommender.policy_service import PolicyService, goals_to_skills
from recommender.weakness import WeaknessAnalyzer
from tutor.db import Document
from tutor.repositories.bundle import Repositories
from tutor.schemas.common import utcnow
from tutor.services.quiz_evidence import evidence

log = logging.getLogger(__name__)
AnalyzerFor = Callable[[str], WeaknessAnalyzer]


def course_model_dir(var_dir: Path, course_id: str) -> Path:
    """Where a course's knowledge-tracing checkpoints live."""
    return Path(var_dir) / "models" / "kt" / course_id


class LearnerModel:
    """Computes and stores a student's learner model (reading and writing through the core's repositories)."""

    def __init__(self, records: Repositories, analyzer_for: AnalyzerFor, policy: PolicyService) -> None:
        self.records = records
        self.analyzer_for = analyzer_for
        self.policy = policy

    async def refresh(self, user_id: str) -> dict[str, Any]:
        """Recompute everything for ``user_id`` and store it; returns the recommendations document."""
        db = self.records
        started_at = utcnow()
        user = await db.users.get(user_id)
        if user is None:
            raise LookupError(f"user {user_id} not found")
        attempts = await db.attempts.of_user(user_id)
        # An enrollment in a removed course is no longer studied (of_user lists active ones only).
        enrolled = {e["course_id"] for e in await db.enrollments.of_user(user_id)}
        courses = await db.courses.find({}, projection={"modules.lessons.content": 0})
        progress = {p["course_id"]: p for p in await db.progress.of_user(user_id)}
        mastery: dict[str, float] = {}
        weak: list[dict[str, Any]] = []
        model_kind = "bkt"
        for course in courses:
            if course["_id"] not in enrolled:
                continue
            revealed = progress.get(course["_id"], {}).get("revealed")
            own = [_attempt(a) for a in evidence([a for a in attempts if a["course_id"] == course["_id"]], revealed)]
            analysis = self.analyzer_for(course["_id"]).analyze(own, skills=course.get("skills", []))
            model_kind = analysis["model"] if analysis["model"] != "bkt" else model_kind
            for skill, info in analysis["mastery"].items():
                mastery[skill] = max(mastery.get(skill, 0.0), float(info["p"]))
            course_weak = [{**w, "course_id": course["_id"]} for w in analysis["weak_areas"]]
            weak.extend(course_weak)
            await db.progress.set_learner_state(
                user_id, course["_id"], course_weak, analysis["mastery"], analysis["model"]
            )
        doc = self._recommend(user, courses, enrolled, progress, mastery, attempts)
        doc.update(
            user_id=user_id,
            weak_areas=sorted(weak, key=lambda w: w["mastery"])[:10],
            mastery=mastery,
            knowledge_model=model_kind,
            generated_at=utcnow(),
        )
        await db.recommendations.store(user_id, doc)
        # Quiz interactions after an accepted recommendation learn how mastery changed (the policy's feedback).
        await close_interactions(db.interactions, user_id, mastery, started_at)
        return doc

    def _recommend(
        self,
        user: Document,
        courses: Sequence[Document],
        enrolled: set[str],
        progress: dict[str, Document],
        mastery: dict[str, float],
        attempts: Sequence[Document],
    ) -> dict[str, Any]:
        all_skills = list(dict.fromkeys(s for c in courses for s in c.get("skills", [])))
        goals = user.get("profile", {}).get("career_goals", []) or []
        goal_text = ", ".join(goals)
        goal_skills = set(goals_to_skills(goals, all_skills)) if goals else set()
        enrolled_skills = {s for c in courses if c["_id"] in enrolled for s in c.get("skills", [])}
        targets = sorted((goal_skills | enrolled_skills) - {s for s, p in mastery.items() if p >= MASTERED})
        history = [s for a in attempts[-20:] for s in a.get("skills", [])]
        titles = {c["_id"]: c["title"] for c in courses}
        lessons, lesson_course = lesson_candidates(courses, enrolled, progress)
        lesson_titles = {c.item_id: c.title for c in lessons}
        recommended = self.policy.recommend(
            mastery, targets, course_candidates(courses, enrolled), history, k=3, goal_text=goal_text
        )
        next_lessons = self.policy.recommend(mastery, targets, lessons, history, k=3, goal_text=goal_text)
        held = {s for s, p in mastery.items() if p >= MASTERED}
        path_goals = (goal_skills or enrolled_skills or set(all_skills)) - held
        catalogue = [
            Course(
                c["_id"],
                tuple(c.get("skills", [])),
                tuple(c.get("prerequisite_skills", [])),
                float(c.get("duration_hours") or 1.0),
            )
            for c in courses
            if c.get("skills")
        ]
        path = optimize_path(path_goals, held, catalogue)
        return {
            "recommended_courses": [course_rec(r, titles) for r in recommended],
            "next_lessons": [
                {**course_rec(r, lesson_titles), "course_id": lesson_course[r.item_id], "lesson_id": r.item_id}
                for r in next_lessons
            ],
            "learning_path": {
                "course_ids": list(path.course_ids),
                "courses": [{"course_id": cid, "title": titles.get(cid, cid)} for cid in path.course_ids],
                "total_hours": path.total_hours,
                "goal_skills": sorted(path_goals),
                "covered": sorted(path.covered),
                "exact": path.exact,
                "feasible": path.feasible,
            },
            "target_skills": targets,
            "career_goals": goals,
        }


def _attempt(doc: Document) -> dict[str, Any]:
    return {
        "question_id": doc["question_id"],
        "skills": doc.get("skills", []),
        "correct": bool(doc["correct"]),
        "at": doc.get("answered_at"),
    }
