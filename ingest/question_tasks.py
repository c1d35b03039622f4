"""The Celery task that generates question drafts (``questions.generate``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Task, shared_task

from ingest.questions.job import run_generation
from ingest.questions.source import IndexedCourse
from ingest.questions.types import QuestionGenerator
from retrieval.service import RetrievalService
from tutor.repositories.blocking import process_repositories
from tutor.settings import Settings, get_settings

_builders: list[tuple[Callable[[Settings], RetrievalService], Callable[[Settings], QuestionGenerator]]] = []


def wire(retrieval: Callable[[Settings], RetrievalService], generator: Callable[[Settings], QuestionGenerator]) -> None:
    """Give the task its index and generator builders; the worker's composition root (``app.tasks``) calls this."""
    _builders[:] = [(retrieval, generator)]


@shared_task(name="questions.generate", bind=True, acks_late=True, reject_on_worker_lost=True)
def generate(self: Task, job_id: str) -> dict[str, Any]:
    """Generate the drafts of one job (a re-delivered job replaces what an interrupted run stored)."""
    if not _builders:
        raise RuntimeError("ingest.question_tasks is not wired: the worker's Celery app (app.tasks) wires it")
    settings = get_settings()
    retrieval, generator = _builders[0]
    store = process_repositories(settings.mongodb_url or "", settings.mongodb_db)
    job = run_generation(job_id, store, IndexedCourse(retrieval(settings)), generator(settings))
    return {"job_id": job_id, "state": job["state"], "kept": job.get("kept", 0)}
