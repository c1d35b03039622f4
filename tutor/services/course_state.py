"""Whether a course is live: a course being removed disappears at once, before its cascade has run."""

from __future__ import annotations

from typing import Any

from tutor.db import Document

REMOVING = "removing"
# Mongo filter matching only live courses (a course document without ``status`` is live).
LIVE: dict[str, Any] = {"status": {"$ne": REMOVING}}


def is_live(course: Document | None) -> bool:
    """Whether ``course`` exists and is not being removed."""
    return course is not None and course.get("status") != REMOVING
