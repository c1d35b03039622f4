"""What a student just did in a course, as the recommendation-feedback loop hears it (enrolled, completed a
lesson, submitted its quiz), so it can be linked to a recommendation the student accepted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ActivityKind = Literal["enrolled", "lesson_completed", "quiz_submitted"]


@dataclass(frozen=True)
class Activity:
    """One event of a student in a course.

    Attributes:
        user_id: The student.
        course_id: The course.
        kind: What happened.
        lesson_id: The lesson (not for an enrollment).
        skills: The lesson's skills (the course's for an enrollment).
        score: The quiz score in percent (quiz submissions only).
        mastery: The stored learner model of the course at that moment (``{skill: {"p": ...}}``), if any.
    """

    user_id: str
    course_id: str
    kind: ActivityKind
    lesson_id: str | None = None
    skills: Sequence[str] = ()
    score: float | None = None
    mastery: Mapping[str, Any] = field(default_factory=dict)


ActivityHook = Callable[[Activity], Awaitable[None]]
