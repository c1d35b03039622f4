"""Recording an ingestion job stopped at its time limit, so the instructor sees why and nothing half-done stays.

A job past its soft limit gets here from the task itself (it then still has until the hard limit to clean
up); past its hard limit the worker child is gone and the parent process records it without cleanup.
"""

from __future__ import annotations

import logging
from typing import Any

from ingest.errors import TimeLimitReached
from ingest.ports import RetrievalPort
from tutor.db import Document
from tutor.repositories.blocking import BlockingRepositories
from tutor.schemas.common import utcnow

log = logging.getLogger(__name__)

_DONE = ("indexed", "unchanged")
REFRESH_NOT_REACHED = (
    "Not indexed again before the job's time limit; it keeps its previous index. Re-index the course to retry."
)


def time_limit_error(limit_s: float) -> TimeLimitReached:
    """The error shown on a stopped job and on each of its unfinished files."""
    return TimeLimitReached(
        f"Ingestion stopped: it ran longer than the {limit_s:g}-second limit for one upload. Files not "
        "finished by then were not indexed; upload them in smaller batches, or retry the job."
    )


def record_time_limit(
    store: BlockingRepositories, job_id: str, limit_s: float, retrieval: RetrievalPort | None = None
) -> Document | None:
    """Mark job ``job_id`` failed for running past ``limit_s`` seconds; fail its unfinished files.

    Args:
        store: The repositories (sync callers: this runs in a Celery worker).
        job_id: The stopped job.
        limit_s: The limit it ran past (shown in the message).
        retrieval: When given, chunks of unfinished files are removed so no half-indexed document
            stays searchable (best effort: the hard limit may be near).

    Returns:
        The updated job, or None when it does not exist.
    """
    repos = store.repos
    job = store.run(repos.jobs.get(job_id))
    if job is None:
        return None
    error = time_limit_error(limit_s)
    files: list[dict[str, Any]] = []
    for entry in job.get("files", []):
        entry = dict(entry)
        if entry.get("status") == "indexed":  # finished before the stop: its material says so
            store.run(
                repos.materials.set_fields(
                    entry["document_id"], {"status": "indexed", "chunks": entry.get("chunks", 0)}
                )
            )
        elif entry.get("status") not in (*_DONE, "failed"):
            if job.get("reason") == "refresh" and retrieval is not None and not entry.get("chunks_done"):
                # Not reached (the stopped run reported what it had done just now): its previous index is
                # still whole. It stays searchable as it was and forgets its hash, so the next re-index
                # takes it up. Past the hard limit the record may be stale, so that path forgets all.
                entry.update(status="failed", chunks_done=0, error=REFRESH_NOT_REACHED, error_code=error.code)
                store.run(store.repos.materials.mark_unindexed(entry["document_id"], {}))
                files.append(entry)
                continue
            entry.update(status="failed", chunks_done=0, error=error.message, error_code=error.code)
            _forget(store, job["course_id"], entry["document_id"], error, retrieval)
        files.append(entry)
    fields = {
        "state": "failed",
        "error": error.message,
        "error_code": error.code,
        "files": files,
        "chunks_done": sum(int(f.get("chunks_done") or 0) for f in files),
        "finished_at": utcnow(),
    }
    store.run(repos.jobs.set_fields(job_id, fields))
    log.warning("ingest job %s stopped at its %g s time limit", job_id, limit_s)
    return {**job, **fields}


def clear_time_limit(store: BlockingRepositories, job_id: str) -> None:
    """Drop a previous run's time-limit error from a job about to run again (e.g. retried)."""
    store.run(store.repos.jobs.clear_error(job_id, TimeLimitReached.code))


def _forget(
    store: BlockingRepositories,
    course_id: str,
    document_id: str,
    error: TimeLimitReached,
    retrieval: RetrievalPort | None,
) -> None:
    # The indexed hash goes too: what the index holds for this document is no longer known.
    store.run(
        store.repos.materials.mark_unindexed(
            document_id, {"status": "failed", "error": error.message, "error_code": error.code}
        )
    )
    if retrieval is None:
        return
    try:
        retrieval.delete_document(course_id, document_id)
    except Exception:
        log.exception("removing partial chunks of %s failed", document_id)
