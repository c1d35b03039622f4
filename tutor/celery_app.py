"""Celery configuration: Redis broker and backend, late acks so a killed worker's task is re-run.

The worker's app and its tasks are put together in ``app.tasks``; the API only sends tasks by name.
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from tutor.settings import ConfigurationError, Settings, get_settings


def make_celery(settings: Settings | None = None) -> Celery:
    """A Celery app configured from ``settings``."""
    settings = settings or get_settings()
    url = settings.redis_url or "redis://127.0.0.1:6379/0"
    app = Celery("tutor", broker=url, backend=url)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        result_expires=24 * 3600,
        worker_hijack_root_logger=False,
        # Redelivery of an unacknowledged task must wait longer than any task may run.
        broker_transport_options={
            "visibility_timeout": max(3600, settings.task_time_limit_s + 600, settings.ingest_time_limit_s + 600)
        },
        # Prefork, so that a task past its hard time limit is killed with its child process (the solo pool
        # ignores time limits); one child by default, since each loads the embedding model.
        worker_pool="prefork",
        worker_concurrency=settings.worker_concurrency,
        **time_limits(settings),
    )
    return app


def time_limits(settings: Settings) -> dict[str, Any]:
    """Celery time-limit settings: defaults for every task, ingestion's own pair by annotation.

    At the soft limit a task gets ``SoftTimeLimitExceeded`` and records why it stopped; at the hard limit
    its worker child is killed and replaced. Both stay well below the broker's visibility timeout.

    Raises:
        ConfigurationError: A hard limit is not above its soft limit.
    """
    pairs = {
        "TUTOR_TASK": (settings.task_soft_time_limit_s, settings.task_time_limit_s),
        "TUTOR_INGEST": (settings.ingest_soft_time_limit_s, settings.ingest_time_limit_s),
    }
    for name, (soft, hard) in pairs.items():
        if hard <= soft:
            raise ConfigurationError(f"{name}_TIME_LIMIT_S ({hard}) must exceed {name}_SOFT_TIME_LIMIT_S ({soft})")
    return {
        "task_soft_time_limit": settings.task_soft_time_limit_s,
        "task_time_limit": settings.task_time_limit_s,
        "task_annotations": {
            "ingest.run_job": {
                "soft_time_limit": settings.ingest_soft_time_limit_s,
                "time_limit": settings.ingest_time_limit_s,
            }
        },
    }
