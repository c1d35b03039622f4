"""Course material, ingestion jobs and search: ``/api/courses/{id}/materials/``, ``/api/ingest/jobs/``, search."""

from __future__ import annotations

from datetime import datetime

from msgspec import UNSET, Struct, UnsetType


class JobFileOut(Struct, kw_only=True):
    """One file of an ingestion job.

    ``status``: queued | pending | indexing | indexed | unchanged (same content as already indexed) |
    failed (see ``error`` and ``error_code``).
    """

    document_id: str
    filename: str
    status: str
    chunks: int
    chunks_done: int
    error: str | None
    error_code: str | None


class IngestJobOut(Struct, kw_only=True):
    """An ingestion job.

    ``state``: queued | running | succeeded | partial (some files failed) | failed | cancelled (its
    course was deleted). ``reason``: upload, or refresh (the course's stored files indexed again, after
    a title changed or on request; a file whose index is current ends ``unchanged``). ``started_at``,
    ``finished_at``, ``error`` and ``error_code`` appear once known.
    """

    id: str
    course_id: str
    created_by: str
    reason: str = "upload"
    state: str
    files: list[JobFileOut]
    chunks_done: int
    chunks_total: int
    attempts: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | UnsetType = UNSET
    finished_at: datetime | UnsetType = UNSET
    error: str | UnsetType | None = UNSET
    error_code: str | UnsetType | None = UNSET


class MaterialOut(Struct, kw_only=True):
    """An uploaded file of a course with its ingestion status (``chunks`` and errors once ingested)."""

    id: str
    course_id: str
    lesson_id: str | None
    filename: str
    size: int
    status: str
    job_id: str
    uploaded_by: str
    created_at: datetime
    updated_at: datetime
    chunks: int | UnsetType = UNSET
    error: str | UnsetType | None = UNSET
    error_code: str | UnsetType | None = UNSET


class CitationOut(Struct, kw_only=True):
    """Where a passage comes from: enough to link to it (``page`` for PDFs, seconds for transcripts)."""

    chunk_id: str
    course_id: str
    document_id: str
    ordinal: int
    heading_path: list[str]
    lesson_id: str | None
    source_name: str
    page: int | None
    start_seconds: float | None
    end_seconds: float | None
    char_start: int
    char_end: int


class SearchHitOut(Struct, kw_only=True):
    """A ranked passage."""

    text: str
    score: float
    rank: int
    citation: CitationOut


class SearchOut(Struct, kw_only=True):
    """Passages of a course's material for ``query``, best first."""

    query: str
    course_id: str
    results: list[SearchHitOut]
