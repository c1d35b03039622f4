"""The caller's data export (``GET /api/auth/me/export/``) and the health probes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from msgspec import UNSET, Struct, UnsetType

from api.schemas.chat import ThreadOut
from api.schemas.feedback import FeedbackRecordOut, InteractionOut
from api.schemas.progress import EnrollmentOut, ProgressOut
from api.schemas.users import UserOut


class QuizAttemptOut(Struct, kw_only=True):
    """One answered quiz question (``source`` ``chat`` for a practice answer in the chat)."""

    id: str
    submission_id: str
    user_id: str
    course_id: str
    lesson_id: str
    question_id: str
    position: int
    skills: list[str]
    correct: bool
    answered: bool
    answered_at: datetime
    source: str | UnsetType = UNSET


class ReviewFlagOut(Struct, kw_only=True):
    """A guardrail flag on one of the caller's chat messages (what a course's instructor sees when review is on)."""

    thread_id: str
    message_id: str
    course_id: str | None
    flags: list[str]
    created_at: datetime


class TutorUsageOut(Struct, kw_only=True):
    """The caller's tutor usage in one course on one day (UTC), per model (``billable_tokens``: a paid LLM's)."""

    course_id: str
    day: str
    model: str
    messages: int
    prompt_tokens: int
    completion_tokens: int
    billable_tokens: int


class ExportOut(Struct, kw_only=True):
    """Everything the service stores about the caller.

    ``enrollments`` include those of removed courses; ``threads`` hold every message, archived ones
    first; ``recommendations`` is the stored learner-model document (``null`` before the first one);
    ``recommendation_feedback`` the caller's answers about recommendations and
    ``recommendation_interactions`` what they did after accepting one; ``review_flags`` the guardrail
    flags on the caller's messages and ``tutor_usage`` their tutor tokens per course and day.
    """

    exported_at: datetime
    user: UserOut
    enrollments: list[EnrollmentOut]
    progress: list[ProgressOut]
    quiz_attempts: list[QuizAttemptOut]
    threads: list[ThreadOut]
    recommendations: dict[str, Any] | None
    recommendation_feedback: list[FeedbackRecordOut]
    recommendation_interactions: list[InteractionOut]
    review_flags: list[ReviewFlagOut]
    tutor_usage: list[TutorUsageOut]


class HealthOut(Struct, kw_only=True):
    """The process is up."""

    status: Literal["ok"]


class ReadinessOut(Struct, kw_only=True):
    """Whether the service can answer: ``checks`` per dependency (503 when one fails)."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, bool]
