"""Recommendations and weak areas as the API and the agent see them, with their authorization."""

from __future__ import annotations

import logging
from typing import Any

from recommender.learner import LearnerModel
from tutor.db import Mongo
from tutor.errors import NotFound, Unavailable
from tutor.queue import TaskQueue
from tutor.services.courses import CourseService
from tutor.services.principal import Principal

log = logging.getLogger(__name__)


class RecommendationService:
    """Reads (and, when missing, computes) a student's learner model."""

    def __init__(self, mongo: Mongo, learner: LearnerModel, courses: CourseService, queue: TaskQueue) -> None:
        self.mongo = mongo
        self.learner = learner
        self.courses = courses
        self.queue = queue

    async def refresh_later(self, user_id: str) -> None:
        """Queue a refresh of the student's learner model (after a quiz submission).

        The submission itself is already stored; if the queue is down, the model is refreshed on
        the next submission or computed when recommendations are read, so this never fails the request.
        """
        try:
            await self.queue.enqueue("recommender.refresh_learner", [user_id])
        except Unavailable:
            log.warning("learner-model refresh for %s not queued", user_id)

    async def train(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """Queue retraining of a course's knowledge-tracing model (its instructor only)."""
        await self.courses.owned(course_id, principal)
        await self.queue.enqueue("recommender.train_course", [course_id])
        return {"course_id": course_id, "state": "queued"}

    async def _authorize(self, principal: Principal, user_id: str) -> None:
        """The user themself, or an instructor of a course the user takes; others see 'not found'."""
        if principal.user_id == user_id:
            return
        if principal.is_instructor:
            taught = await self.mongo.collection("courses").distinct("_id", {"instructor_id": principal.user_id})
            if await self.mongo.collection("enrollments").count_documents(
                {"user_id": user_id, "course_id": {"$in": taught}}
            ):
                return
        raise NotFound("no recommendations for this user")

    async def get(self, principal: Principal, user_id: str) -> dict[str, Any]:
        """The stored recommendations of ``user_id`` (computed now if there are none yet)."""
        await self._authorize(principal, user_id)
        doc = await self.mongo.collection("ai_recommendations").find_one({"user_id": user_id}, {"_id": 0})
        if doc is None:
            try:
                doc = await self.learner.refresh(user_id)
            except LookupError as exc:
                raise NotFound("no recommendations for this user") from exc
            doc.pop("_id", None)
        return doc

    async def weak_areas(self, principal: Principal, course_id: str | None = None) -> list[dict[str, Any]]:
        """The caller's weak areas (one course or all), weakest first."""
        query: dict[str, Any] = {"user_id": principal.user_id}
        if course_id:
            query["course_id"] = course_id
        docs = await self.mongo.collection("user_progress").find(query, {"weak_areas": 1}).to_list(None)
        areas = [area for doc in docs for area in doc.get("weak_areas", [])]
        return sorted(areas, key=lambda a: a.get("mastery", 1.0))

    async def class_view(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """Weak skills across a course's students (its instructor only), weakest first."""
        course = await self.courses.owned(course_id, principal)
        docs = (
            await self.mongo.collection("user_progress")
            .find({"course_id": course_id}, {"mastery": 1, "weak_areas": 1, "user_id": 1})
            .to_list(None)
        )
        skills: dict[str, dict[str, Any]] = {
            s: {"skill": s, "students": 0, "weak_students": 0, "total": 0.0} for s in course.get("skills", [])
        }
        for doc in docs:
            weak = {area["skill"] for area in doc.get("weak_areas", [])}
            for skill, info in (doc.get("mastery") or {}).items():
                if not info.get("attempts"):
                    continue
                row = skills.setdefault(skill, {"skill": skill, "students": 0, "weak_students": 0, "total": 0.0})
                row["students"] += 1
                row["total"] += float(info["p"])
                row["weak_students"] += skill in weak
        rows = []
        for row in skills.values():
            mean = row.pop("total") / row["students"] if row["students"] else None
            rows.append({**row, "mean_mastery": None if mean is None else round(mean, 4)})
        rows.sort(key=lambda r: (r["mean_mastery"] is None, r["mean_mastery"] or 0.0))
        return {"course_id": course_id, "students": len(docs), "skills": rows}
