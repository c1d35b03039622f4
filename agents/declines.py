"""The tutor's "not covered" answer: the one sentence both the LLM (told so in ``prompts/grounding.md``) and
the offline model start a decline with, so a decline can be recognised whoever answered."""

from __future__ import annotations

import re

NOT_COVERED = "This isn't covered by this course's material."
_NOT_COVERED = re.compile(r"\bthis\s+isn['’]?t\s+covered\s+by\s+this\s+course['’]?s\s+material", re.IGNORECASE)


def is_not_covered(answer: str) -> bool:
    """Whether an answer declines the question as not covered by the course's material."""
    return bool(_NOT_COVERED.search(answer))
