"""Celery task of the course removal cascade (see :mod:`ingest.removal`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task

from ingest.removal import CourseRemoval, IngestionRunning
from ingest.storage import FileStorage
from retrieval.service import RetrievalService
from tutor.db import Mongo
from tutor.repositories.course_removals import CourseRemovalRepository
from tutor.settings import Settings, get_settings

log = logging.getLogger(__name__)
WAIT_FOR_INGESTION_S = 5
MAX_RETRIES = 8  # errors (a store down): back off 1, 2, 4 ... 60 s, then the job is left "failed"
_storage: list[Callable[[Settings], FileStorage]] = []
_retrieval: list[Callable[[Settings], RetrievalService]] = []


def wire(storage: Callable[[Settings], FileStorage], retrieval: Callable[[Settings], RetrievalService]) -> None:
    """Give the task its storage and index builders; the worker's composition root (``app.tasks``) calls this."""
    _storage[:] = [storage]
    _retrieval[:] = [retrieval]


async def _remove(settings: Settings, course_id: str) -> list[str]:
    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        if not _storage or not _retrieval:
            raise RuntimeError("ingest.removal_tasks is not wired: the worker's Celery app (app.tasks) wires it")
        removal = CourseRemoval.over(mongo, _storage[0](settings), _retrieval[0](settings))
        return await removal.run(course_id)
    finally:
        await mongo.close()


async def _record_error(settings: Settings, course_id: str, exc: Exception, final: bool) -> None:
    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        action = "send DELETE again to retry" if final else "it will be retried"
        message = f"the removal stopped on an error ({type(exc).__name__}); {action}"
        await CourseRemovalRepository(mongo.collection("course_removals")).set_state(
            course_id, "failed" if final else "retrying", error=message
        )
    finally:
        await mongo.close()


# Celery's decorator is untyped; the task keeps its signature for callers all the same.
@shared_task(  # type: ignore[untyped-decorator]
    name="courses.remove", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES
)
def remove_course(self: Task, course_id: str) -> dict[str, Any]:
    """Remove a course's materials, chunks, jobs and document (idempotent: a redelivery resumes it)."""
    settings = get_settings()
    try:
        students = asyncio.run(_remove(settings, course_id))
    except IngestionRunning:
        # Waiting is not a failure: a fresh message, so it does not use up the error retries.
        remove_course.apply_async(args=[course_id], countdown=WAIT_FOR_INGESTION_S)
        return {"course_id": course_id, "state": "waiting"}
    except LookupError:
        log.warning("no removal job for course %s", course_id)
        return {"course_id": course_id, "state": "missing"}
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        log.exception("removal of course %s failed (final=%s)", course_id, final)
        asyncio.run(_record_error(settings, course_id, exc, final))
        raise self.retry(exc=exc, countdown=min(60, 2**self.request.retries)) from exc
    self.app.send_task("recommender.forget_course", args=[course_id])  # its knowledge-tracing checkpoints
    for student in students:  # their recommendations may still name the removed course
        self.app.send_task("recommender.refresh_learner", args=[student])
    return {"course_id": course_id, "state": "succeeded", "students": len(students)}
