"""Celery tasks of the ingestion pipeline."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from pymongo import MongoClient

from ingest.runtime import pipeline_for
from ingest.worker import process_job
from tutor.celery_app import celery_app
from tutor.db import Document
from tutor.settings import get_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _client(url: str) -> MongoClient[Document]:
    return MongoClient(url, tz_aware=True)


@celery_app.task(name="ingest.run_job", acks_late=True, reject_on_worker_lost=True, max_retries=3)
def run_job(job_id: str) -> dict[str, Any]:
    """Ingest the files of one job (idempotent, so a redelivered task is harmless)."""
    settings = get_settings()
    summary = process_job(job_id, _client(settings.mongodb_url or ""), settings.mongodb_db, pipeline_for(settings))
    return {"job_id": job_id, "state": summary["state"], "chunks_total": summary["chunks_total"]}
