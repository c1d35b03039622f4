"""When a student saw a question's answer key, and which attempts still count as evidence of knowing it.

A reveal is stored in the student's progress document (``user_progress.revealed``, an array, so no
id ever becomes a field path) as ``{"lesson_id", "question_id", "revealed_at", "submission_id",
"source"}``. An attempt is knowledge-tracing evidence only if it was answered before the first
reveal of its question to that student, or is part of the submission that revealed it. Later
attempts are kept (the student's history, best score) but a student who has read the key is
not showing what they know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from tutor.db import Document

RevealIndex = dict[tuple[str, str], Mapping[str, Any]]


def reveal_records(
    lesson_id: str, question_ids: Iterable[str], submission_id: str, at: datetime, source: str
) -> list[Document]:
    """Reveal records of ``question_ids`` shown with the result of ``submission_id``."""
    return [
        {
            "lesson_id": lesson_id,
            "question_id": qid,
            "revealed_at": at,
            "submission_id": submission_id,
            "source": source,
        }
        for qid in question_ids
    ]


def first_reveals(revealed: Iterable[Mapping[str, Any]] | None) -> RevealIndex:
    """The earliest reveal of each (lesson id, question id)."""
    index: RevealIndex = {}
    for rec in revealed or []:
        key = (str(rec.get("lesson_id")), str(rec.get("question_id")))
        at = rec.get("revealed_at")
        if not isinstance(at, datetime):
            continue
        known = index.get(key)
        if known is None or at < known["revealed_at"]:
            index[key] = rec
    return index


def revealed_questions(progress: Document | None, lesson_id: str) -> set[str]:
    """Ids of the questions of ``lesson_id`` whose key this student has already seen."""
    return {qid for (lid, qid) in first_reveals((progress or {}).get("revealed")) if lid == lesson_id}


def is_evidence(attempt: Mapping[str, Any], reveals: RevealIndex) -> bool:
    """Whether ``attempt`` was made without having seen its question's key."""
    reveal = reveals.get((str(attempt.get("lesson_id")), str(attempt.get("question_id"))))
    if reveal is None or attempt.get("submission_id") == reveal.get("submission_id"):
        return True
    answered_at = attempt.get("answered_at")
    return isinstance(answered_at, datetime) and answered_at < reveal["revealed_at"]


def evidence(attempts: Sequence[Document], revealed: Iterable[Mapping[str, Any]] | None) -> list[Document]:
    """The attempts of one student in one course that count as evidence, in their order."""
    reveals = first_reveals(revealed)
    return [a for a in attempts if is_evidence(a, reveals)]
