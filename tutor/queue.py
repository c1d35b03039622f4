"""Putting background jobs on the Celery queue without blocking the event loop."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from celery import Celery

from tutor.errors import Unavailable
from tutor.tracing import carrier

log = logging.getLogger(__name__)
RETRY_POLICY = {"max_retries": 2, "interval_start": 0.0, "interval_step": 0.2, "interval_max": 0.5}


class TaskQueue:
    """Sends tasks by name (the API never imports the worker's task code)."""

    def __init__(self, celery: Celery) -> None:
        self.celery = celery

    async def enqueue(self, task: str, args: list[Any]) -> None:
        """Queue ``task(*args)``; :class:`Unavailable` when the broker cannot be reached."""
        try:
            # ignore_result: nobody reads task results (jobs record their state in MongoDB); without it
            # Celery subscribes to each task's result channel, and a broken subscription after a Redis
            # restart makes every later send wait ~40 s and fail ("the Celery application must be restarted").
            # The trace context travels in the message headers: the worker's span continues this request's trace.
            await asyncio.to_thread(
                self.celery.send_task, task, args=args, retry=True, retry_policy=RETRY_POLICY, ignore_result=True,
                headers=carrier(),
            )  # fmt: skip
        except Exception as exc:
            log.warning("could not queue %s: %r", task, exc)
            raise Unavailable("the background job queue is unavailable; try again shortly") from exc
