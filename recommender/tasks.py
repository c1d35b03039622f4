"""Celery tasks of the learner model: refresh one student after a quiz, retrain a course's model."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable
from typing import Any

from celery import shared_task

from recommender.kt.course import train_course_model
from recommender.learner import LearnerModel, course_model_dir
from tutor.db import Mongo
from tutor.repositories.bundle import Repositories
from tutor.services.quiz_evidence import evidence
from tutor.settings import Settings, get_settings

log = logging.getLogger(__name__)
_learner: list[Callable[[Mongo, Settings], LearnerModel]] = []


def wire(learner_model: Callable[[Mongo, Settings], LearnerModel]) -> None:
    """Give the tasks their learner-model builder; the worker's composition root (``app.tasks``) calls this."""
    _learner[:] = [learner_model]


async def _refresh(settings: Settings, user_id: str) -> dict[str, Any]:
    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        if not _learner:
            raise RuntimeError("recommender.tasks is not wired: the worker's Celery app (app.tasks) wires it")
        doc = await _learner[0](mongo, settings).refresh(user_id)
        return {"user_id": user_id, "recommended": len(doc["recommended_courses"]), "weak": len(doc["weak_areas"])}
    finally:
        await mongo.close()


async def _train(settings: Settings, course_id: str, budget_s: float) -> str:
    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        records = Repositories.over(mongo)
        course = await records.courses.get(course_id)
        if course is None:
            raise LookupError(f"course {course_id} not found")
        by_user: dict[str, list[dict[str, Any]]] = {}
        for a in await records.attempts.of_course(course_id):
            by_user.setdefault(a["user_id"], []).append(a)
        revealed = await records.progress.reveals_of_course(course_id)
    finally:
        await mongo.close()
    # Attempts made after the student saw the key are no evidence of what they know (see quiz_evidence).
    sequences = [
        [{"skills": a.get("skills", []), "correct": bool(a["correct"])} for a in evidence(attempts, revealed.get(uid))]
        for uid, attempts in by_user.items()
    ]
    out = course_model_dir(settings.var_dir, course_id)
    path = await asyncio.to_thread(train_course_model, sequences, course.get("skills", []), out, budget_s)
    return str(path)


@shared_task(name="recommender.refresh_learner", acks_late=True, reject_on_worker_lost=True)
def refresh_learner(user_id: str) -> dict[str, Any]:
    """Recompute a student's weak areas and recommendations (idempotent)."""
    return asyncio.run(_refresh(get_settings(), user_id))


@shared_task(name="recommender.train_course", acks_late=True, reject_on_worker_lost=True)
def train_course(course_id: str, budget_s: float = 300.0) -> dict[str, Any]:
    """Retrain a course's knowledge-tracing model from all its quiz attempts."""
    path = asyncio.run(_train(get_settings(), course_id, budget_s))
    return {"course_id": course_id, "checkpoint": path}


@shared_task(name="recommender.forget_course", acks_late=True, reject_on_worker_lost=True)
def forget_course(course_id: str) -> dict[str, Any]:
    """Delete a removed course's knowledge-tracing checkpoints (idempotent)."""
    path = course_model_dir(get_settings().var_dir, course_id)
    existed = path.exists()
    shutil.rmtree(path, ignore_errors=True)
    return {"course_id": course_id, "removed": existed}
