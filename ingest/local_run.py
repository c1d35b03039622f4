"""Ingesting files in this process (``tutor ingest`` and the sample course at ``make run``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.folder import collect_folder
from ingest.pipeline import IngestPipeline
from ingest.records import new_job, plan_upload
from ingest.worker import process_job
from tutor.repositories.blocking import BlockingRepositories
from tutor.settings import Settings


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file to ingest, optionally attached to a lesson."""

    name: str
    data: bytes
    lesson_id: str | None = None


def ingest_local(
    settings: Settings, pipeline: IngestPipeline, course_id: str, files: Sequence[LocalFile], *, progress: bool = True
) -> dict[str, Any]:
    """Store ``files`` as course material and ingest them now through ``pipeline``, with a progress bar."""
    store = BlockingRepositories(settings.mongodb_url or "", settings.mongodb_db)
    try:
        repos = store.repos
        if store.run(repos.courses.get(course_id)) is None:
            raise LookupError(f"course {course_id} not found")
        assert pipeline.storage is not None
        plan = plan_upload(course_id, [(f.name, len(f.data), f.lesson_id) for f in files], "cli")
        for file, (doc_id, fields) in zip(files, plan.materials.items(), strict=True):
            pipeline.storage.put(plan.keys[doc_id], file.data, "application/octet-stream")
            store.run(repos.materials.upsert(doc_id, {**fields, "lesson_id": file.lesson_id}))
        store.run(repos.jobs.insert(plan.job))
        job_id = plan.job["_id"]
        bar = tqdm(total=0, unit="chunk", desc=f"ingesting into {course_id}", disable=not progress)

        def show(summary: dict[str, Any]) -> None:
            bar.total = summary["chunks_total"]
            bar.n = summary["chunks_done"]
            bar.refresh()

        try:
            return process_job(job_id, store, pipeline, on_report=show)
        finally:
            bar.close()
    finally:
        store.close()


def reindex_local(settings: Settings, pipeline: IngestPipeline, course_id: str | None = None) -> list[dict[str, Any]]:
    """Index the stored material of ``course_id`` (every course with material when None) again, in this process.

    A file whose index is current (same bytes, index format and titles) ends ``unchanged``; one indexed
    under an older format or older titles is indexed again. One job per course, as the API's re-index.
    """
    store = BlockingRepositories(settings.mongodb_url or "", settings.mongodb_db)
    try:
        repos = store.repos
        courses = [course_id] if course_id else store.run(repos.materials.course_ids())
        summaries = []
        for course in courses:
            materials = store.run(repos.materials.of_course(course))
            if not materials:
                raise LookupError(f"course {course} has no material")
            job = new_job(course, "cli", materials, reason="refresh")
            store.run(repos.jobs.insert(job))
            summaries.append({"course_id": course, **process_job(job["_id"], store, pipeline)})
        return summaries
    finally:
        store.close()


def ingest_folder(
    settings: Settings, pipeline: IngestPipeline, course_id: str, path: str | Path, lesson_id: str | None = None
) -> dict[str, Any]:
    """Ingest every supported file below ``path`` into ``course_id``."""
    files = [LocalFile(name, data, lesson_id) for name, data in collect_folder(path)]
    if not files:
        raise ValueError(f"no supported files found in {path}")
    return ingest_local(settings, pipeline, course_id, files)
