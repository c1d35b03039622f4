"""The stored shapes of a queued upload: one material per file and the job that ingests them.

Shared by the API (async) and ``tutor ingest`` (in-process), so both write the same documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.folder import stable_document_id
from ingest.storage import material_key
from tutor.db import Document
from tutor.schemas.common import new_id, utcnow


@dataclass
class QueuedUpload:
    """Materials (``_id`` -> fields) and the job document for one upload."""

    job: Document
    materials: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # document id -> storage key


def plan_upload(course_id: str, files: list[tuple[str, int, str | None]], created_by: str) -> QueuedUpload:
    """Document ids, storage keys, material fields and the queued job for ``(name, size, lesson_id)`` files.

    A document id derives from the course, lesson and file name, so uploading the same file again
    replaces its material instead of adding a copy.
    """
    plan = QueuedUpload(job=new_job(course_id, created_by, []))
    for name, size, lesson_id in files:
        doc_id = stable_document_id(course_id, f"{lesson_id or ''}/{name}")
        key = material_key(course_id, doc_id, name)
        plan.keys[doc_id] = key
        plan.materials[doc_id] = {
            "course_id": course_id,
            "lesson_id": lesson_id,
            "filename": name,
            "size": size,
            "storage_key": key,
            "status": "queued",
            "job_id": plan.job["_id"],
            "uploaded_by": created_by,
        }
        plan.job["files"].append(_job_file(doc_id, name))
    return plan


def new_job(course_id: str, created_by: str, materials: list[Document], reason: str = "upload") -> Document:
    """A queued ingestion job over ``materials`` (stored material records; none for an upload being planned).

    ``reason`` says why it runs: ``upload``, or ``refresh`` (the course's stored material indexed again,
    e.g. after a lesson was renamed: the worker leaves alone every file whose index is still current).
    """
    now = utcnow()
    return {
        "_id": new_id(),
        "course_id": course_id,
        "created_by": created_by,
        "reason": reason,
        "state": "queued",
        "files": [_job_file(m["_id"], m["filename"]) for m in materials],
        "chunks_done": 0,
        "chunks_total": 0,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


def _job_file(document_id: str, filename: str) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "filename": filename,
        "status": "queued",
        "chunks": 0,
        "chunks_done": 0,
        "error": None,
        "error_code": None,
    }
