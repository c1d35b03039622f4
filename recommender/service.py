"""Recommendations and weak areas as the API and the agent see them, with their authorization.

Nothing here computes a model: the learner model runs on the worker (``recommender.refresh_learner``)
and stores one document per student. Until it has, a read answers from the cheap cold-start path
(:mod:`recommender.cold_start`, marked ``pending``) and queues the refresh.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from recommender.cold_start import LEARNER_MODEL, cold_start
from recommender.privacy import instructor_slice
from tutor.db import Document
from tutor.errors import NotFound, Unavailable
from tutor.queue import TaskQueue
from tutor.repositories.bundle import Repositories
from tutor.services.courses import CourseService
from tutor.services.labels import CourseLabels
from tutor.services.learner_cache import LearnerReads
from tutor.services.principal import Principal
from tutor.services.progress import QuizHook
from tutor.services.skills import course_skill_names, skill_label

log = logging.getLogger(__name__)
REQUEUE_AFTER_S = 30.0
"""A read finding no stored model queues a refresh at most this often per student (the worker may be down)."""


def learner_refresh_hook(queue: TaskQueue) -> QuizHook:
    """The hook that queues a student's learner-model refresh after each graded answer (never fails it)."""

    async def refresh(user_id: str, _course_id: str = "") -> None:
        try:
            await queue.enqueue("recommender.refresh_learner", [user_id])
        except Unavailable:
            log.warning("learner-model refresh for %s not queued", user_id)

    return refresh


class RecommendationService:
    """Reads a student's stored learner model; never computes one."""

    def __init__(
        self, records: Repositories, courses: CourseService, queue: TaskQueue, learner: LearnerReads | None = None
    ) -> None:
        self.courses = courses
        self.learner = learner
        self.queue = queue
        self.stored = records.recommendations
        self.progress = records.progress
        self.users = records.users
        self.enrollments = records.enrollments
        self._queued = _RecentlyQueued(REQUEUE_AFTER_S)
        self._refresh = learner_refresh_hook(queue)
        self._background: set[asyncio.Task[None]] = set()

    async def refresh_later(self, user_id: str) -> None:
        """Queue a refresh of the student's learner model (after a quiz submission, or a first read).

        The submission itself is already stored; if the queue is down, the model is refreshed on the
        next submission or queued again by a later read, so this never fails the request.
        """
        await self._refresh(user_id, "")

    def _refresh_soon(self, user_id: str) -> None:
        """Queue a refresh in the background (the read does not wait for the broker), once per period."""
        if not self._queued.claim(user_id):
            return
        task = asyncio.create_task(self.refresh_later(user_id))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

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
            taught = await self.courses.courses.live_taught_by(principal.user_id)
            if await self.enrollments.takes_any(user_id, [c["_id"] for c in taught]):
                return taught
        raise NotFound("no recommendations for this user")

    async def get(self, principal: Principal, user_id: str) -> dict[str, Any]:
        """The recommendations of ``user_id``: the stored learner model, or the cold-start answer.

        Weak areas carry ``skill_name`` and ``course_title``; ``skill_names`` maps every skill the
        document mentions (mastery, weak areas, targets, path goals) to its display name. An instructor
        gets only the slice of their own courses (see :mod:`recommender.privacy`). ``pending`` is true
        (and ``source`` is ``cold_start``) while the worker has not stored the student's model yet; the
        read then queues that refresh and answers from the catalogue (see :mod:`recommender.cold_start`).
        """
        doc, _ = await self.get_with_labels(principal, user_id)
        return doc

    async def get_with_labels(self, principal: Principal, user_id: str) -> tuple[dict[str, Any], CourseLabels]:
        """:meth:`get`, with the labels of every course the answer mentions (for callers that name them)."""
        taught = await self._authorize(principal, user_id)
        stored, enrolled = await self._learner_data(principal, user_id)
        doc = {**stored, "pending": False, "source": LEARNER_MODEL} if stored is not None else None
        if doc is None:
            doc = await self._cold_start(principal, user_id, enrolled)
            self._refresh_soon(user_id)
        if taught is not None:
            progress = await self.progress.in_courses(user_id, [c["_id"] for c in taught])
            sliced = {**instructor_slice(doc, taught, progress), "pending": doc["pending"], "source": doc["source"]}
            return await self._named(sliced, sliced["course_ids"])
        # The stored document may predate an enrollment made since (it is refreshed in the background):
        # a course the student already takes is never recommended to them.
        taken = set(enrolled)
        recommended = doc.get("recommended_courses") or []
        doc["recommended_courses"] = [r for r in recommended if r.get("course_id") not in taken]
        return await self._named(doc, enrolled)

    async def _learner_data(self, principal: Principal, user_id: str) -> tuple[Document | None, list[str]]:
        """The stored model and enrolled course ids of ``user_id``; a student's own from memory while current."""
        if self.learner is not None and principal.user_id == user_id:
            stored, enrollments = await asyncio.gather(
                self.learner.recommendations(principal), self.learner.enrollments(principal)
            )
            return (dict(stored) if stored is not None else None), [e["course_id"] for e in enrollments]
        return await asyncio.gather(self.stored.of_user(user_id), self._enrolled(user_id))

    async def _enrolled(self, user_id: str) -> list[str]:
        return [e["course_id"] for e in await self.enrollments.of_user(user_id)]

    async def _cold_start(self, principal: Principal, user_id: str, enrolled: list[str]) -> dict[str, Any]:
        """The provisional answer from the catalogue and the student's stored progress (no model)."""
        own = self.learner.progress(principal) if self.learner is not None and principal.user_id == user_id else None
        user, courses, progress = await asyncio.gather(
            self.users.get(user_id), self.courses.courses.live_outlines(), own or self.progress.of_user(user_id)
        )
        if user is None:
            raise NotFound("no recommendations for this user")
        return cold_start(user, courses, set(enrolled), progress)

    async def _named(self, doc: dict[str, Any], enrolled: list[str]) -> tuple[dict[str, Any], CourseLabels]:
        path = doc.get("learning_path") or {}
        course_ids = {
            *enrolled,
            *(w.get("course_id") for w in doc.get("weak_areas", [])),
            *(r.get("course_id") for r in doc.get("recommended_courses", [])),
            *(r.get("course_id") for r in doc.get("next_lessons") or []),
            *path.get("course_ids", []),
        }
        labels = await self.courses.labels(c for c in course_ids if c)
        skills = [
            *(doc.get("mastery") or {}),
            *(w.get("skill", "") for w in doc.get("weak_areas", [])),
            *doc.get("target_skills", []),
            *path.get("goal_skills", []),
        ]
        named = {
            **doc,
            "weak_areas": labels.name_weak_areas(doc.get("weak_areas", [])),
            "skill_names": labels.names_of(s for s in skills if s),
        }
        return named, labels

    async def weak_areas(self, principal: Principal, course_id: str | None = None) -> list[dict[str, Any]]:
        """The caller's weak areas (one course or all live courses), weakest first."""
        areas, _ = await self.weak_areas_with_labels(principal, course_id)
        return areas

    async def weak_areas_with_labels(
        self, principal: Principal, course_id: str | None = None
    ) -> tuple[list[dict[str, Any]], CourseLabels]:
        """:meth:`weak_areas`, with the labels of the courses they belong to."""
        query: dict[str, Any] = {"user_id": principal.user_id}
        if course_id:
            query["course_id"] = course_id
        docs = await self.progress.find(query, projection={"weak_areas": 1, "course_id": 1})
        ids = sorted({d["course_id"] for d in docs})
        # One read gives both which courses are still live and their labels (this runs on every chat turn).
        courses = await self.courses.courses.live_outlines(ids)
        live = {c["_id"] for c in courses}
        docs = [doc for doc in docs if doc["course_id"] in live]  # a removed course is no longer served
        areas = [area for doc in docs for area in doc.get("weak_areas", [])]
        labels = CourseLabels.from_courses(courses)
        return labels.name_weak_areas(sorted(areas, key=lambda a: a.get("mastery", 1.0))), labels

    async def class_view(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """Weak skills across a course's students (its instructor only): most students weak first."""
        course = await self.courses.owned(course_id, principal)
        docs = await self.progress.of_course(course_id)
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


class _RecentlyQueued:
    """Students whose refresh was queued within the last ``period_s`` seconds (bounded, oldest evicted)."""

    def __init__(self, period_s: float, capacity: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.period_s = period_s
        self.capacity = capacity
        self.clock = clock
        self._at: OrderedDict[str, float] = OrderedDict()

    def claim(self, user_id: str) -> bool:
        """Whether a refresh should be queued now (and, if so, remember that it was)."""
        now = self.clock()
        last = self._at.get(user_id)
        if last is not None and now - last < self.period_s:
            return False
        self._at[user_id] = now
        self._at.move_to_end(user_id)
        while len(self._at) > self.capacity:
            self._at.popitem(last=False)
        return True
