"""Recommendations and weak areas as the API and the agent see them, with their authorization."""

from __future__ import annotations

import logging
from typing import Any

from recommender.learner import LearnerModel
from recommender.privacy import instructor_slice
from tutor.db import Document, Mongo
from tutor.errors import NotFound, Unavailable
from tutor.queue import TaskQueue
from tutor.repositories.enrollments import ACTIVE
from tutor.services.course_state import LIVE
from tutor.services.courses import CourseService
from tutor.services.principal import Principal
from tutor.services.skills import course_skill_names, skill_label

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

    async def _authorize(self, principal: Principal, user_id: str) -> list[Document] | None:
        """None for the user themself; for an instructor of a course the user takes, the reader's live
        courses (the slice they may see). Anyone else sees 'not found'."""
        if principal.user_id == user_id:
            return None
        if principal.is_instructor:
            taught = (
                await self.mongo.collection("courses")
                .find({"instructor_id": principal.user_id, **LIVE}, {"skills": 1, "duration_hours": 1})
                .to_list(None)
            )
            if await self.mongo.collection("enrollments").count_documents(
                {"user_id": user_id, "course_id": {"$in": [c["_id"] for c in taught]}, **ACTIVE}
            ):
                return taught
        raise NotFound("no recommendations for this user")

    async def get(self, principal: Principal, user_id: str) -> dict[str, Any]:
        """The stored recommendations of ``user_id`` (computed now if there are none yet).

        Weak areas carry ``skill_name`` and ``course_title``; ``skill_names`` maps every skill the
        document mentions (mastery, weak areas, targets, path goals) to its display name. An instructor
        gets only the slice of their own courses (see :mod:`recommender.privacy`).
        """
        taught = await self._authorize(principal, user_id)
        doc = await self.mongo.collection("ai_recommendations").find_one({"user_id": user_id}, {"_id": 0})
        if doc is None:
            try:
                doc = await self.learner.refresh(user_id)
            except LookupError as exc:
                raise NotFound("no recommendations for this user") from exc
            doc.pop("_id", None)
        if taught is not None:
            progress = (
                await self.mongo.collection("user_progress")
                .find({"user_id": user_id, "course_id": {"$in": [c["_id"] for c in taught]}})
                .to_list(None)
            )
            doc = instructor_slice(doc, taught, progress)
            return await self._named(doc, doc["course_ids"])
        enrolled = await self.mongo.collection("enrollments").distinct("course_id", {"user_id": user_id, **ACTIVE})
        # The stored document may predate an enrollment made since (it is refreshed in the background):
        # a course the student already takes is never recommended to them.
        taken = set(enrolled)
        recommended = doc.get("recommended_courses") or []
        doc["recommended_courses"] = [r for r in recommended if r.get("course_id") not in taken]
        return await self._named(doc, enrolled)

    async def _named(self, doc: dict[str, Any], enrolled: list[str]) -> dict[str, Any]:
        path = doc.get("learning_path") or {}
        course_ids = {
            *enrolled,
            *(w.get("course_id") for w in doc.get("weak_areas", [])),
            *(r.get("course_id") for r in doc.get("recommended_courses", [])),
            *path.get("course_ids", []),
        }
        labels = await self.courses.labels(c for c in course_ids if c)
        skills = [
            *(doc.get("mastery") or {}),
            *(w.get("skill", "") for w in doc.get("weak_areas", [])),
            *doc.get("target_skills", []),
            *path.get("goal_skills", []),
        ]
        return {
            **doc,
            "weak_areas": labels.name_weak_areas(doc.get("weak_areas", [])),
            "skill_names": labels.names_of(s for s in skills if s),
        }

    async def weak_areas(self, principal: Principal, course_id: str | None = None) -> list[dict[str, Any]]:
        """The caller's weak areas (one course or all live courses), weakest first."""
        query: dict[str, Any] = {"user_id": principal.user_id}
        if course_id:
            query["course_id"] = course_id
        progress = self.mongo.collection("user_progress")
        docs = await progress.find(query, {"weak_areas": 1, "course_id": 1}).to_list(None)
        ids = [d["course_id"] for d in docs]
        live = await self.mongo.collection("courses").distinct("_id", {"_id": {"$in": ids}, **LIVE})
        docs = [doc for doc in docs if doc["course_id"] in live]  # a removed course is no longer served
        areas = [area for doc in docs for area in doc.get("weak_areas", [])]
        labels = await self.courses.labels({str(a["course_id"]) for a in areas if a.get("course_id")})
        return labels.name_weak_areas(sorted(areas, key=lambda a: a.get("mastery", 1.0)))

    async def class_view(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """Weak skills across a course's students (its instructor only): most students weak first."""
        course = await self.courses.owned(course_id, principal)
        docs = (
            await self.mongo.collection("user_progress")
            .find({"course_id": course_id}, {"mastery": 1, "weak_areas": 1})
            .to_list(None)
        )
        names = course_skill_names([course])
        rows = {s: _ClassRow(s) for s in course.get("skills", [])}
        for doc in docs:
            weak = {area["skill"] for area in doc.get("weak_areas", [])}
            for skill, info in (doc.get("mastery") or {}).items():
                if info.get("attempts"):
                    rows.setdefault(skill, _ClassRow(skill)).add(float(info["p"]), int(info["attempts"]), skill in weak)
        ordered = sorted(rows.values(), key=lambda r: (-r.weak, r.mean if r.mean is not None else 2.0))
        skills = [{**r.view(), "skill_name": names.get(r.skill) or skill_label(r.skill)} for r in ordered]
        title = course.get("title", "")
        return {"course_id": course_id, "course_title": title, "students": len(docs), "skills": skills}


class _ClassRow:
    """Per-skill totals of a class."""

    def __init__(self, skill: str) -> None:
        self.skill = skill
        self.students = 0
        self.weak = 0
        self.attempts = 0
        self.total = 0.0

    def add(self, mastery: float, attempts: int, weak: bool) -> None:
        self.students += 1
        self.weak += weak
        self.attempts += attempts
        self.total += mastery

    @property
    def mean(self) -> float | None:
        return self.total / self.students if self.students else None

    def view(self) -> dict[str, Any]:
        mean = self.mean
        return {
            "skill": self.skill,
            "students": self.students,
            "students_weak": self.weak,
            "mean_mastery": None if mean is None else round(mean, 4),
            "attempts": self.attempts,
        }
