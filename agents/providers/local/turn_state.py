"""Reading a student's reply to a practice question the tutor asked."""

from __future__ import annotations

import re

_CHOICE = re.compile(
    r"^\W*((it'?s|i\s+think|i\s+guess|maybe|answer|option|choice|my\s+answer\s+is|is\s+it)\W*)*"
    r"\(?[a-h1-9]\)?\W*$",
    re.IGNORECASE,
)
# Choices often start with "when" or "which"; a new question starts like this and runs longer.
_QUESTION_START = re.compile(r"^\s*(what|how|why|can you|could you|should i|explain|tell me|show me)\b", re.IGNORECASE)
_FILLER = re.compile(
    r"\b(can|could|would|you|please|pls|give|ask|send|get|me|a|an|another|one|more|some|quick|short|new|"
    r"quiz|quizzes|test|tested|testing|drill|practi[cs]e|practi[cs]ing|exercise|exercises|problem|problems|"
    r"question|questions|challenge|on|about|for|in|with|the|my|i|i'?d|want|wanna|like|to|be|let'?s|lets|do|"
    r"time|check|understanding|knowledge|of|if|understood|now|again|something)\b",
    re.IGNORECASE,
)
MAX_ANSWER_WORDS = 12


def looks_like_answer(message: str) -> bool:
    """Whether a message reads as an answer (a letter, a number, or a short phrase), not a new question."""
    if _CHOICE.match(message):
        return True
    if message.rstrip().endswith("?") or (_QUESTION_START.match(message) and len(message.split()) >= 4):
        return False
    return len(message.split()) <= MAX_ANSWER_WORDS


def practice_topic(message: str) -> str | None:
    """What a practice request is about ("quiz me on loops" -> "loops"), or None when it names nothing."""
    rest = " ".join(re.sub(r"[^\w\s.'-]", " ", _FILLER.sub(" ", message)).split())
    return rest or None
