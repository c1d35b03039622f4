"""Server-side action policy: side-effecting tools run only when the student asked for them.

Instructions hidden in course material can steer an LLM into calling tools. Prompting alone does not
stop that, so actions with side effects (today: ``enroll``) are checked here against the student's
own words, which retrieved text cannot change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agents.catalog_match import MIN_SCORE, score_course

_ENROLL_INTENT = re.compile(
    r"\b(enrol+(ing|ment|ed)?|sign\s+(me\s+)?up|register|join|subscribe|take\s+(the|this|that)\s+course)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(don'?t|do\s+not|never|not|no\s+need\s+to|stop)\b[^.?!]{0,25}\b(enrol|sign|register|join|subscribe)",
    re.IGNORECASE,
)
_ANAPHORA = re.compile(r"\b(this|that|the)\s+(course|class|one)\b|\bit\b", re.IGNORECASE)


def has_enroll_intent(message: str) -> bool:
    """Whether a student message asks to be enrolled (and does not say "don't enroll")."""
    return bool(_ENROLL_INTENT.search(message)) and not _NEGATED.search(message)


@dataclass(frozen=True, slots=True)
class ActionPolicy:
    """What the student asked for in this turn.

    Attributes:
        student_message: The student's latest message (the only text that can authorise an action).
        earlier_student_messages: The student's previous messages in the thread, newest last.
        page_course_id: Course the chat is opened in, if any ("enroll me in this course").
    """

    student_message: str
    earlier_student_messages: Sequence[str] = ()
    page_course_id: str | None = None

    def check_enroll(self, course: dict[str, Any]) -> str | None:
        """Return None if enrolling in ``course`` was requested, else the reason it was refused."""
        title = course.get("title", course.get("id", "this course"))
        refusal = (
            f"not requested by the student: their latest message does not ask to enroll in '{title}'. "
            "Do not enroll anyone unless the student asks for it in their own words."
        )
        if not has_enroll_intent(self.student_message):
            return refusal
        if score_course(self.student_message, course) >= MIN_SCORE:
            return None
        if _ANAPHORA.search(self.student_message):
            if course.get("id") == self.page_course_id:
                return None
            recent = list(self.earlier_student_messages)[-3:]
            if any(score_course(m, course) >= MIN_SCORE for m in recent):
                return None
        return refusal
