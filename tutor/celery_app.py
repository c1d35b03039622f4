"""The Celery application: Redis broker and backend, late acks so a killed worker's task is re-run."""

from __future__ import annotations

from celery import Celery

from tutor.settings import Settings, get_settings

# Task modules live in the packages that own them; named here by string so tutor/ imports none of them.
TASK_MODULES = ["ingest.tasks", "recommender.tasks"]


def make_celery(settings: Settings | None = None) -> Celery:
    """A Celery app configured from ``settings``."""
    settings = settings or get_settings()
    url = settings.redis_url or "redis://127.0.0.1:6379/0"
    app = Celery("tutor", broker=url, backend=url, include=TASK_MODULES)
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
        broker_transport_options={"visibility_timeout": 3600},
    )
    return app


celery_app = make_celery()
