"""Students' feedback on their recommendations, and what they then did: the data the recommender policy
learns from (``recommender.loop``).

Feedback is the student's own: only a student may give it, only about a course or lesson that exists and
that they may see (a lesson of a course they take), and a later answer about the same item replaces the
earlier one. Each answer keeps a snapshot of the learner model the recommendation was made on (mastery and
target skills from the stored recommendations), so training sees the state the student was in.

After a student accepted a recommendation, their enrollment in that course, completion of that lesson
and quiz submissions there are recorded as interactions linked to it (at most
:data:`MAX_INTERACTIONS_PER_FEEDBACK` each). Logging is one indexed read on the request path, and a
failure to log never fails the student's request.
"""

from __future__ import annotations

import logging
from typing import Any

from pymongo.errors import PyMongoError

from tutor.db import Document
from tutor.errors import Forbidden, NotFound
from tutor.repositories.feedback import FeedbackRepository, InteractionRepository, interaction_doc
from tutor.schemas.common import utcnow
from tutor.schemas.feedback import FeedbackIn
from tutor.schemas.quiz import is_safe_id
from tutor.services.activity import Activity
from tutor.services.course_state import is_live
from tutor.services.course_tree import find_lesson
from tutor.services.courses import CourseService
from tutor.services.learner_cache import LearnerReads
from tutor.services.principal import Principal
from tutor.services.ratelimit import RateLimiter

log = logging.getLogger(__name__)
MAX_INTERACTIONS_PER_FEEDBACK = 20  # a quiz retaken a thousand times is not a thousand outcomes of one advice
MAX_CONTEXT_SKILLS = 500  # the mastery snapshot kept with an answer (a bound on the document's size)


class FeedbackService:
    """Records a student's feedback on recommendations and links their later activity to it."""

    def __init__(
        self,
        feedback: FeedbackRepository,
        interactions: InteractionRepository,
        courses: CourseService,
        learner: LearnerReads,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.feedback = feedback
        self.interactions = interactions
        self.courses = courses
        self.learner = learner
        self.limiter = limiter

    async def record(self, principal: Principal, data: FeedbackIn) -> dict[str, Any]:
        """Store the caller's answer about one recommended item.

        Raises:
            Forbidden: The caller is not a student, or the lesson's course is not one they take.
            NotFound: No such live course or lesson (or, for a lesson named without its course, none
                among the caller's recommended lessons).
            RateLimited: Too many answers in a short time.
        """
        if principal.is_instructor:
            raise Forbidden("only students give feedback on their recommendations")
        if self.limiter is not None:
            await self.limiter.hit(principal.user_id)
        stored = await self.learner.recommendations(principal)
        course_id = data.item_id if data.item_type == "course" else data.course_id or _lesson_course(stored, data)
        if course_id is None:
            raise NotFound(f"lesson {data.item_id} is not among your recommended lessons; send its course_id")
        skills = await self._visible_item_skills(principal, data, course_id)
        rec = _recommendation(stored, data.item_type, course_id, data.item_id)
        key = {
            "user_id": principal.user_id,
            "item_type": data.item_type,
            "course_id": course_id,
            "item_id": data.item_id,
        }
        fields = {
            "action": data.action,
            "rating": data.rating,
            "recommended": rec is not None,
            "recommendation": rec,
            "skills": skills,
            "context": _context(stored),
        }
        return feedback_view(await self.feedback.upsert(key, fields, utcnow()))

    async def _visible_item_skills(self, principal: Principal, data: FeedbackIn, course_id: str) -> list[str]:
        course = await self.courses.cache.document(course_id)
        if course is None or not is_live(course):
            raise NotFound(f"course {course_id} not found")
        if data.item_type == "course":
            return [str(s) for s in course.get("skills", [])]
        lesson = find_lesson(course, data.item_id) if is_safe_id(data.item_id) else None
        if lesson is None:
            raise NotFound(f"lesson {data.item_id} not found in course {course_id}")
        if course_id not in {e["course_id"] for e in await self.learner.enrollments(principal)}:
            raise Forbidden("you do not take this lesson's course: enroll in it first")
        return [str(s) for s in lesson.get("skills", [])]

    async def on_activity(self, activity: Activity) -> None:
        """Link a student's activity to the recommendation they accepted, if any (never raises for storage)."""
        lesson_id = activity.lesson_id if activity.kind != "enrolled" else None
        try:
            accepted = await self.feedback.accepted_for(
                activity.user_id, activity.course_id, lesson_id, MAX_INTERACTIONS_PER_FEEDBACK
            )
            if accepted is None:
                return
            fields: dict[str, Any] = {"lesson_id": activity.lesson_id, "skills": list(activity.skills)}
            if activity.kind == "quiz_submitted":
                before = {
                    s: float(info["p"])
                    for s, info in activity.mastery.items()
                    if s in activity.skills and isinstance(info, dict) and "p" in info
                }
                fields.update(score=activity.score, mastery_before=before, mastery_after=None, gain=None)
            await self.interactions.add(interaction_doc(accepted, activity.kind, utcnow(), **fields))
            await self.feedback.count_interaction(accepted["_id"])
        except PyMongoError as exc:
            log.warning("interaction of %s in %s not recorded: %r", activity.user_id, activity.course_id, exc)


def feedback_view(doc: Document) -> dict[str, Any]:
    """An answer as the API returns it (without the learner-model snapshot)."""
    return {
        "id": doc["_id"],
        "item_type": doc["item_type"],
        "item_id": doc["item_id"],
        "course_id": doc["course_id"],
        "action": doc["action"],
        "rating": doc.get("rating"),
        "recommended": bool(doc.get("recommended")),
        "answers": int(doc.get("answers", 1)),
        "created_at": doc["created_at"],
        "updated_at": doc["updated_at"],
    }


def _lesson_course(stored: Document | None, data: FeedbackIn) -> str | None:
    """The course of a recommended next lesson named by its id alone."""
    for rec in (stored or {}).get("next_lessons") or []:
        if rec.get("lesson_id") == data.item_id:
            return str(rec["course_id"])
    return None


def _recommendation(stored: Document | None, item_type: str, course_id: str, item_id: str) -> Document | None:
    """How the item was recommended (source, confidence, when), or None if the stored model does not list it."""
    if stored is None:
        return None
    if item_type == "course":
        found = [r for r in stored.get("recommended_courses") or [] if r.get("course_id") == item_id]
    else:
        found = [
            r
            for r in stored.get("next_lessons") or []
            if r.get("course_id") == course_id and r.get("lesson_id") == item_id
        ]
    if not found:
        return None
    rec = found[0]
    return {
        "source": str(rec.get("source", "")),
        "confidence_score": float(rec.get("confidence_score", 0.0)),
        "generated_at": stored.get("generated_at"),
    }


def _context(stored: Document | None) -> dict[str, Any]:
    """The learner model the recommendation was made on: mastery per skill and the target skills."""
    if stored is None:
        return {"mastery": {}, "target_skills": []}
    mastery = stored.get("mastery") or {}
    kept = dict(list(mastery.items())[:MAX_CONTEXT_SKILLS])
    targets = [str(s) for s in (stored.get("target_skills") or [])][:MAX_CONTEXT_SKILLS]
    return {"mastery": {str(k): float(v) for k, v in kept.items()}, "target_skills": targets}
