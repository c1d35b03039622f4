"""Reading a student's reply to a practice question the tutor asked."""

from __future__ import annotations

import re

_CHOICE = re.compile(
    r"^\W*((it'?s|i\s+think|i\s+guess|maybe|answer|option|choice|my\s+answer\s+is|is\s+it)\W*)*"
    r"\(?[a-h1-9]\)?\W*$",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(r"^\s*(what|how|why|when|where|who|which|can|could|should|explain|tell|show)\b",
                             re.IGNORECASE)
MAX_ANSWER_WORDS = 12


def looks_like_answer(message: str) -> bool:
    """Whether a message reads as an answer (a letter, a number, or a short phrase), not a new question."""
    if _CHOICE.match(message):
        return True
    if message.rstrip().endswith("?") or _QUESTION_START.match(message):
        return False
    return len(message.split()) <= MAX_ANSWER_WORDS
