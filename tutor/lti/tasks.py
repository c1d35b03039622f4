"""Celery task of LTI: post a student's scores to the LMS gradebook, retried with backoff."""

from __future__ import annotations

import asyncio
from typing import Any

from celery import Task, shared_task

from tutor.container import Services
from tutor.db import Mongo
from tutor.settings import get_settings

MAX_RETRIES = 6
BACKOFF_S = (10, 30, 60, 120, 300, 600)


async def _send(user_id: str, course_id: str) -> list[str]:
    settings = get_settings()
    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        return await Services.build(mongo, settings).lti.grades.send(user_id, course_id)
    finally:
        await mongo.close()


@shared_task(name="lti.send_scores", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def send_scores(self: Task[Any, Any], user_id: str, course_id: str) -> dict[str, Any]:
    """Post the student's current scores in the course to each linked LMS line item (idempotent)."""
    errors = asyncio.run(_send(user_id, course_id))
    if errors and self.request.retries < MAX_RETRIES:
        # The score is read again from the stored progress on each try: a retry never sends a stale one.
        raise self.retry(countdown=BACKOFF_S[min(self.request.retries, len(BACKOFF_S) - 1)])
    return {"user_id": user_id, "course_id": course_id, "failed": len(errors)}
