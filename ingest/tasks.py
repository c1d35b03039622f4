"""Celery tasks of the ingestion pipeline."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from ingest.pipeline import IngestPipeline
from ingest.time_limit import clear_time_limit, record_time_limit
from ingest.worker import process_job
from tutor.repositories.blocking import BlockingRepositories, process_repositories
from tutor.settings import Settings, get_settings

log = logging.getLogger(__name__)


_pipeline: list[Callable[[Settings], IngestPipeline]] = []


def wire(pipeline: Callable[[Settings], IngestPipeline]) -> None:
    """Give the task its pipeline builder; the worker's composition root (``app.tasks``) calls this."""
    _pipeline[:] = [pipeline]


def _store() -> BlockingRepositories:
    """This worker process's repositories."""
    settings = get_settings()
    return process_repositories(settings.mongodb_url or "", settings.mongodb_db)


class IngestJobTask(Task):  # type: ignore[misc]
    """Records a job killed at its hard time limit (this runs in the worker's parent process)."""

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Mark the job failed when its worker child was killed at the hard time limit."""
        if not isinstance(exc, TimeLimitExceeded) or not args:
            return
        settings = get_settings()
        limit = float(exc.args[0]) if exc.args else settings.ingest_time_limit_s
        # Repositories of its own: a loop thread started in this parent process would not survive a fork.
        store = BlockingRepositories(settings.mongodb_url or "", settings.mongodb_db)
        try:
            record_time_limit(store, str(args[0]), limit)
        finally:
            store.close()


@shared_task(
    name="ingest.run_job", base=IngestJobTask, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3
)
def run_job(self: Task, job_id: str) -> dict[str, Any]:
    """Ingest the files of one job (idempotent, so a redelivered task is harmless).

    Past the soft time limit (``TUTOR_INGEST_SOFT_TIME_LIMIT_S``) the job is marked failed with a clear
    message, its unfinished files' partial chunks are removed, and the task fails (it is not retried).
    """
    settings = get_settings()
    store = _store()
    if not _pipeline:
        raise RuntimeError("ingest.tasks is not wired: the worker's Celery app (app.tasks) wires it")
    pipeline = _pipeline[0](settings)
    clear_time_limit(store, job_id)
    # The limit this run has: the message's own (``apply_async(soft_time_limit=...)``) or the configured one.
    limit = (self.request.timelimit or (None, None))[1] or self.soft_time_limit
    deadline = time.monotonic() + float(limit) if limit else None
    try:
        summary = process_job(job_id, store, pipeline, deadline=deadline)
    except SoftTimeLimitExceeded:
        record_time_limit(store, job_id, float(limit), pipeline.retrieval)
        raise
    return {"job_id": job_id, "state": summary["state"], "chunks_total": summary["chunks_total"]}
