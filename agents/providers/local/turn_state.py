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


def looks_like_answer(message: str) -> bool:
    """Whether a message reads as an answer (a letter, a number, a choice's text), not a new question.

    Choice texts can be long ("Adds 5 to the current value of score and ..."), so length alone says
    nothing; a question mark or a question's opening does. The server decides the rest: a reply it
    cannot match to a choice is "not an answer" and the question stays open.
    """
    if _CHOICE.match(message):
        return True
    return not (message.rstrip().endswith("?") or (_QUESTION_START.match(message) and len(message.split()) >= 4))


def practice_topic(message: str) -> str | None:
    """What a practice request is about ("quiz me on loops" -> "loops"), or None when it names nothing."""
    rest = " ".join(re.sub(r"[^\w\s.'-]", " ", _FILLER.sub(" ", message)).split())
    return rest or None
