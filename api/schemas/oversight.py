"""Instructor oversight of a course's tutor: conversation review, content gaps and usage."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from msgspec import Struct, field

Flag = Literal["quiz_answer_request", "prompt_injection", "abuse"]


class ConversationItemOut(Struct, kw_only=True):
    """A reviewable thread: the student (a pseudonym unless review is ``named``), its reviewable messages."""

    thread_id: str
    student: str
    messages: int
    flags: list[Flag]
    last_message_at: datetime


class ConversationPageOut(Struct, kw_only=True):
    """One page of a course's reviewable threads, flagged ones first, then the latest."""

    items: list[ConversationItemOut]
    total: int
    page: int
    page_size: int


class ReviewMessageOut(Struct, kw_only=True):
    """A message written while review was on, with the tutor's sources and tool calls."""

    id: str
    role: Literal["user", "assistant"]
    content: str
    created_at: datetime
    flags: list[Flag]
    citations: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    model: str | None
    incomplete: bool | None


class ConversationOut(Struct, kw_only=True):
    """One reviewable thread with its reviewable messages, oldest first."""

    thread_id: str
    student: str
    flags: list[Flag]
    last_message_at: datetime
    messages: list[ReviewMessageOut]


class ContentGapOut(Struct, kw_only=True):
    """Questions the tutor declined as not covered, grouped by meaning, with a short label."""

    label: str
    count: int
    example_questions: list[str]
    closest_lessons: list[str]


class ContentGapsOut(Struct, kw_only=True):
    """A course's content gaps, largest first; ``questions``: how many declined questions were grouped."""

    items: list[ContentGapOut]
    questions: int


class UsageCountsOut(Struct, kw_only=True):
    """Assistant turns and tokens; ``billable_tokens`` are the paid LLM's (the caps count these)."""

    messages: int
    prompt_tokens: int
    completion_tokens: int
    billable_tokens: int
    estimated_cost: float


class UsageDayOut(UsageCountsOut, kw_only=True):
    """One day (UTC) of a course's usage."""

    day: str


class UsageStudentOut(UsageCountsOut, kw_only=True):
    """One student's usage (a pseudonym unless review is ``named``)."""

    student: str


class UsageOut(Struct, kw_only=True):
    """A course's tutor usage from ``from`` to ``to`` (UTC days, inclusive); costs in ``currency``."""

    from_: str = field(name="from")
    to: str
    currency: str
    totals: UsageCountsOut
    by_day: list[UsageDayOut]
    by_student: list[UsageStudentOut]


class MyUsageOut(Struct, kw_only=True):
    """The caller's tutor usage in a course today (UTC): paid LLM ``tokens`` against their ``daily_cap``."""

    day: str
    messages: int
    tokens: int
    daily_cap: int | None
    remaining: int | None
    capped: bool
