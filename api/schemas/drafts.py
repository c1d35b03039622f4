"""Question drafts, their generation jobs and course concepts (``/question-drafts/``, ``/concepts/``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import UNSET, Struct, UnsetType


class DraftJobOut(Struct, kw_only=True):
    """A generation job. ``state``: queued | running | succeeded | failed (see ``error``).

    ``generated`` counts every candidate the generator made, ``kept`` the ones that passed the quality
    checks and became drafts (``draft_ids``), ``rejected`` the others by reason.
    """

    id: str
    course_id: str
    created_by: str
    state: str
    requested: int
    lesson_id: str | None
    document_ids: list[str]
    skills: list[str]
    generated: int
    kept: int
    rejected: dict[str, int]
    draft_ids: list[str]
    generator: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | UnsetType = UNSET
    finished_at: datetime | UnsetType = UNSET


class DraftOut(Struct, kw_only=True):
    """A generated multiple-choice question under review. ``status``: draft | approved | rejected.

    ``citation`` has the shape of search citations; ``source_text`` is the passage the question was
    generated from; ``question_id`` is the quiz question it became once approved.
    """

    id: str
    course_id: str
    status: str
    lesson_id: str | None
    prompt: str
    choices: list[str]
    answer: int
    explanation: str
    skills: list[str]
    citation: dict[str, Any]
    source_text: str
    generator: str
    kind: str
    job_id: str
    edited: bool
    created_at: datetime
    updated_at: datetime
    question_id: str | UnsetType = UNSET


class DraftListOut(Struct, kw_only=True):
    """Drafts of a course, newest first."""

    items: list[DraftOut]


class ApprovedOut(Struct, kw_only=True):
    """An approved draft and the quiz question it became."""

    draft: DraftOut
    lesson_id: str
    question_id: str


class ConceptPassageOut(Struct, kw_only=True):
    """A passage that teaches a concept."""

    chunk_id: str
    text: str
    citation: dict[str, Any]


class ConceptOut(Struct, kw_only=True):
    """A concept of the course: a skill id, its name, the passages teaching it, whether it is accepted."""

    id: str
    name: str
    passages: list[ConceptPassageOut]
    accepted: bool


class ConceptListOut(Struct, kw_only=True):
    """Proposed and accepted concepts of a course."""

    items: list[ConceptOut]
