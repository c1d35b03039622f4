"""A JSON-ready job summary around :meth:`IngestPipeline.ingest`, for whoever persists job state."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ingest.limits import check_deadline
from ingest.pipeline import FileResult, IngestPipeline, ProgressEvent, SourceFile

# File status while a job runs: pending -> indexing -> indexed | unchanged | failed.
_STAGE_STATUS = {
    "parsed": "indexing",
    "embedding": "indexing",
    "indexed": "indexed",
    "unchanged": "unchanged",
    "failed": "failed",
}


def _entry(source: SourceFile) -> dict[str, Any]:
    return {
        "filename": source.filename,
        "document_id": source.document_id,
        "status": "pending",
        "chunks": 0,
        "chunks_done": 0,
        "error": None,
        "error_code": None,
        "content_hash": None,
        "storage_key": None,
    }


def _totals(summary: dict[str, Any]) -> None:
    summary["chunks_done"] = sum(entry["chunks_done"] for entry in summary["files"])
    summary["chunks_total"] = sum(entry["chunks"] for entry in summary["files"])


def _final_state(results: Sequence[FileResult]) -> str:
    failed = sum(result.status == "failed" for result in results)
    if failed == 0:
        return "succeeded"
    return "failed" if failed == len(results) else "partial"


def run_ingest_files(
    pipeline: IngestPipeline,
    files: Sequence[SourceFile],
    report: Callable[[dict[str, Any]], None],
    known_hashes: Mapping[str, str] | None = None,
    min_interval: float = 0.5,
    deadline: float | None = None,
) -> dict[str, Any]:
    """Run the pipeline over ``files`` and summarise it as a job.

    The summary is ``{state, files: [{filename, document_id, status, chunks, chunks_done, error,
    error_code, content_hash, storage_key}], chunks_done, chunks_total}`` with ``state`` one of
    running | succeeded | partial (some files failed) | failed (all failed, or the run crashed).

    Args:
        pipeline: The ingestion pipeline.
        files: Files of the job.
        report: Receives a copy of the summary: once at the start, as progress advances (at most
            every ``min_interval`` seconds), and once at the end.
        known_hashes: Passed to :meth:`IngestPipeline.ingest` (document_id -> indexed content hash).
        min_interval: Minimum seconds between progress reports (persisting each event would be slow).
        deadline: A ``time.monotonic()`` instant; at the first progress event past it the run stops
            with ``SoftTimeLimitExceeded`` (see :func:`ingest.limits.check_deadline`).

    Returns:
        The final summary.

    Raises:
        Exception: Whatever the pipeline raised unexpectedly, after reporting ``state="failed"``, so a
            task queue can retry the (idempotent) job.
    """
    summary: dict[str, Any] = {
        "state": "running",
        "files": [_entry(source) for source in files],
        "chunks_done": 0,
        "chunks_total": 0,
    }
    by_document = {entry["document_id"]: entry for entry in summary["files"]}
    last = [time.monotonic()]

    def publish() -> None:
        _totals(summary)
        report({**summary, "files": [dict(entry) for entry in summary["files"]]})

    def on_progress(event: ProgressEvent) -> None:
        entry = by_document.get(event.document_id)
        if entry is not None:  # before the deadline check: a stopped run reports what it had done
            entry["status"] = _STAGE_STATUS.get(event.stage, entry["status"])
            entry["chunks"] = event.chunks_total
            entry["chunks_done"] = event.chunks_done
        check_deadline(deadline)
        if entry is None:
            return
        now = time.monotonic()
        if now - last[0] >= min_interval:
            last[0] = now
            publish()

    publish()
    try:
        results = pipeline.ingest(files, on_progress=on_progress, known_hashes=known_hashes)
    except Exception:
        summary["state"] = "failed"
        publish()
        raise
    for entry, result in zip(summary["files"], results, strict=True):
        entry.update(
            status=result.status,
            chunks=result.chunks,
            chunks_done=result.chunks if result.status == "indexed" else 0,
            error=result.error,
            error_code=result.error_code,
            content_hash=result.content_hash,
            storage_key=result.storage_key,
        )
    summary["state"] = _final_state(results)
    publish()
    return summary
