"""Running one ingestion job (in a Celery worker or the CLI): storage → pipeline → job and material state.

Safe to re-run: chunk ids are stable and a material's ``indexed_hash`` is written only after its chunks
are in, so a job re-run after a crash deletes any partial chunks of unfinished files and rebuilds them.

A job of a course being removed stops (state ``cancelled``) before it writes a chunk, or at its next
progress report when the removal starts mid-job; the removal waits for it, then deletes what it wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ingest.jobs import run_ingest_files
from ingest.pipeline import IngestPipeline, SourceFile
from tutor.db import Document
from tutor.repositories.blocking import BlockingRepositories
from tutor.schemas.common import utcnow
from tutor.services.course_state import is_live
from tutor.services.course_tree import find_lesson, titles_changed

log = logging.getLogger(__name__)
CANCELLED = "the course was deleted"
MISSING_FILE = "missing_file"



class CourseRemoved(RuntimeError):
    """The job's course is being removed: the job stopped and is marked ``cancelled``."""


def heading_prefix(course: Document, lesson_id: str | None) -> tuple[str, ...]:
    """Course › module › lesson titles, the start of every chunk's heading path."""
    if lesson_id:
        for module in course.get("modules", []):
            for lesson in module.get("lessons", []):
                if lesson["id"] == lesson_id:
                    return (course["title"], module["title"], lesson["title"])
    return (course["title"],)


def process_job(
    job_id: str,
    store: BlockingRepositories,
    pipeline: IngestPipeline,
    on_report: Callable[[dict[str, Any]], None] | None = None,
    deadline: float | None = None,
) -> dict[str, Any]:
    """Ingest every file of job ``job_id`` and record progress on the job as it goes.

    Jobs, materials and courses are read and written through ``store``'s repositories. ``deadline``
    (a ``time.monotonic()`` instant) stops the run with Celery's soft-limit error. Files are headed by
    the titles the course has when the job starts; when an instructor renamed something meanwhile, the
    files this job indexed forget their hash, so the refresh the rename queued indexes them again.
    """
    repos = store.repos
    job = store.run(repos.jobs.get(job_id))
    if job is None:
        raise LookupError(f"ingest job {job_id} not found")
    course = store.run(repos.courses.get(job["course_id"]))
    if course is None or not is_live(course):
        store.run(repos.jobs.set_fields(job_id, _cancelled()))
        return _cancelled_summary()
    store.run(repos.jobs.start_attempt(job_id))
    try:
        summary = _ingest_pass(job, course, store, pipeline, on_report, deadline)
    except CourseRemoved:
        log.info("ingest job %s stopped: its course is being removed", job_id)
        return _cancelled_summary()
    now = store.run(repos.courses.get(job["course_id"]))
    if now is not None and titles_changed(course, now):
        log.info("ingest job %s: titles changed while it ran; its files are due again", job_id)
        for entry in summary["files"]:
            if entry["status"] == "indexed":
                store.run(repos.materials.mark_unindexed(entry["document_id"], {}))
    store.run(repos.jobs.set_fields(job_id, {**_public(summary), "finished_at": utcnow()}))
    return summary


def _ingest_pass(
    job: Document,
    course: Document,
    store: BlockingRepositories,
    pipeline: IngestPipeline,
    on_report: Callable[[dict[str, Any]], None] | None,
    deadline: float | None,
) -> dict[str, Any]:
    """One pass over the job's files under ``course``'s titles; records each material's outcome."""
    repos = store.repos
    job_id = job["_id"]
    materials = store.run(repos.materials.by_ids([f["document_id"] for f in job["files"]]))
    storage = pipeline.storage
    files: list[SourceFile] = []
    missing: list[dict[str, Any]] = []
    for entry in job["files"]:
        material = materials.get(entry["document_id"])
        if material is None or storage is None:
            continue
        lesson_id = material.get("lesson_id")
        if lesson_id and find_lesson(course, lesson_id) is None:
            lesson_id = None
        try:
            data = storage.get(material["storage_key"])
        except FileNotFoundError:  # its record outlived the file: that file fails, the others go on
            log.warning("ingest job %s: stored file of %s is missing", job_id, material["_id"])
            missing.append(_missing(material))
            continue
        files.append(
            SourceFile(
                course_id=job["course_id"],
                document_id=material["_id"],
                filename=material["filename"],
                data=data,
                lesson_id=lesson_id,
                heading_prefix=heading_prefix(course, lesson_id),
            )
        )
    known = {doc_id: m["indexed_hash"] for doc_id, m in materials.items() if m.get("indexed_hash")}

    def report(summary: dict[str, Any]) -> None:
        live = is_live(store.run(repos.courses.status_of(job["course_id"])))
        summary = {**summary, "files": [*summary["files"], *missing]}
        store.run(repos.jobs.set_fields(job_id, {**_public(summary), **({} if live else _cancelled())}))
        if on_report is not None:
            on_report(summary)
        if not live:
            raise CourseRemoved(CANCELLED)

    summary = run_ingest_files(pipeline, files, report, known_hashes=known, deadline=deadline)
    summary = {**summary, "files": [*summary["files"], *missing]}
    if missing:
        failed = sum(entry["status"] == "failed" for entry in summary["files"])
        summary["state"] = "failed" if failed == len(summary["files"]) else "partial"
    still_there = store.run(repos.materials.by_ids([entry["document_id"] for entry in summary["files"]]))
    for entry in summary["files"]:
        if entry["document_id"] not in still_there:  # deleted while the job ran: take back what it wrote
            if store.run(repos.materials.get(entry["document_id"])) is None:  # not uploaded again meanwhile
                pipeline.delete_document(job["course_id"], entry["document_id"])
            continue
        fields: dict[str, Any] = {
            "status": entry["status"],
            "chunks": entry["chunks"],
            "error": entry["error"],
            "error_code": entry["error_code"],
        }
        if entry["status"] in ("indexed", "unchanged"):
            fields["indexed_hash"] = entry["content_hash"]
        if entry["status"] == "unchanged" or entry["error_code"] == MISSING_FILE:
            fields.pop("chunks")  # what the index holds for it did not change
        store.run(repos.materials.set_fields(entry["document_id"], fields))
    return summary


def _missing(material: Document) -> dict[str, Any]:
    """The job entry of a material whose stored file is gone."""
    return {
        "document_id": material["_id"],
        "filename": material["filename"],
        "status": "failed",
        "chunks": 0,
        "chunks_done": 0,
        "error": f"The stored copy of {material['filename']} is missing; upload it again.",
        "error_code": MISSING_FILE,
        "content_hash": None,
        "storage_key": material.get("storage_key"),
    }


def _cancelled_summary() -> dict[str, Any]:
    return {"state": "cancelled", "files": [], "chunks_done": 0, "chunks_total": 0}


def _cancelled() -> dict[str, Any]:
    return {"state": "cancelled", "error": CANCELLED, "finished_at": utcnow()}


def _public(summary: dict[str, Any]) -> dict[str, Any]:
    files = [{k: v for k, v in entry.items() if k not in ("storage_key", "content_hash")} for entry in summary["files"]]
    return {**summary, "files": files}
