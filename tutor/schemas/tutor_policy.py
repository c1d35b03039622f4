"""A course's tutor policy: whether its instructor may review conversations, and its token budgets."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from tutor.schemas.common import StrictModel, whole

ReviewMode = Literal["off", "anonymized", "named"]
TokenCap = Annotated[int, Field(ge=1, le=10_000_000_000), BeforeValidator(whole)]


class TutorPolicy(StrictModel):
    """Set by the course's instructor with ``PATCH /api/courses/{id}/`` ``{"tutor_policy": {...}}``.

    ``conversation_review``: ``off`` (nobody but the student reads their conversations), ``anonymized``
    (the instructor reads conversations under a stable pseudonym, never a name or email) or ``named``.
    Only messages written while review was on are ever shown, and students are told in the chat.
    The caps count tokens of the configured LLM (the offline model costs nothing and is not capped):
    past a cap the tutor goes on answering with the offline model and says why.
    """

    conversation_review: ReviewMode = Field("off", description="Who may read this course's tutor conversations.")
    student_daily_tokens: TokenCap | None = Field(
        None, description="LLM tokens per student per day (UTC) in this course; null: no cap."
    )
    course_monthly_tokens: TokenCap | None = Field(
        None, description="LLM tokens for the whole course per calendar month (UTC); null: no cap."
    )


DEFAULT_POLICY = TutorPolicy()


def policy_of(course: dict[str, Any] | None) -> TutorPolicy:
    """The policy in force for a stored course (the defaults when it has none, or for no course)."""
    stored = (course or {}).get("tutor_policy")
    if not isinstance(stored, dict):
        return DEFAULT_POLICY
    return TutorPolicy.model_validate(stored)
