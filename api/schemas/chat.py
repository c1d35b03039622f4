"""The tutor chat: whole answers, the payloads of the streamed events, and the caller's threads."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from msgspec import UNSET, Struct, UnsetType

from api.schemas.materials import CitationOut

# Whether the course's instructor may read the conversation: ``off``, ``anonymized`` (under a pseudonym) or
# ``named``; the chat tells the student when it is not ``off``.
ReviewMode = Literal["off", "anonymized", "named"]
EventName = Literal["start", "token", "tool_call", "tool_result", "citation", "notice", "error", "done"]


class StartEvent(Struct, kw_only=True):
    """``start``: first, as soon as the turn is accepted and the student's message stored (before the
    tutor says anything): the thread the turn belongs to, the course in scope and the mode."""

    thread_id: str
    course_id: str | None
    mode: Literal["answer", "socratic"]
    review: ReviewMode


class TokenEvent(Struct, kw_only=True):
    """``token``: the next piece of the answer text."""

    text: str


class ToolCallEvent(Struct, kw_only=True):
    """``tool_call``: the tutor calls one of its tools."""

    id: str
    name: str
    args: dict[str, Any]


class ToolResultEvent(Struct, kw_only=True):
    """``tool_result``: how the tool call ended, in one line for the student; ``code`` names a failure
    (e.g. ``confirmation_required``: a paid course waits for the student's yes)."""

    id: str
    name: str
    ok: bool
    summary: str
    code: str | UnsetType = UNSET


class ToolCallOut(ToolResultEvent, kw_only=True):
    """A tool call of the turn with its arguments and outcome."""

    args: dict[str, Any]


class CitationEvent(Struct, kw_only=True):
    """``citation``: source ``[n]`` the answer may quote, with a snippet."""

    n: int
    snippet: str
    score: float
    rank: int
    citation: CitationOut


class CitedSource(CitationEvent, kw_only=True):
    """A source of the answer; ``cited`` tells whether the answer text refers to it as ``[n]``."""

    cited: bool


class NoticeEvent(Struct, kw_only=True):
    """``notice``: something the student should know (e.g. ``code`` ``fallback`` to the offline model;
    ``discard_partial``: drop the tokens shown so far for this answer)."""

    message: str
    code: str
    model: str | UnsetType = UNSET
    discard_partial: bool | UnsetType = UNSET


class ErrorEvent(Struct, kw_only=True):
    """``error``: the turn failed; ``message`` is safe to show."""

    message: str
    code: str


class TurnUsageOut(Struct, kw_only=True):
    """Tokens one model spent on the turn (``billable``: a paid LLM, not the offline model, which counts its own)."""

    model: str
    prompt_tokens: int
    completion_tokens: int
    billable: bool


class DoneEvent(Struct, kw_only=True):
    """``done``: the whole answer, its sources and tool calls, and the thread it was stored in.

    ``pending`` is what the answer left waiting on the student's next message (an enrollment to
    confirm, a practice question to grade), ``null`` otherwise. ``usage``: tokens per model of the turn.
    """

    answer: str
    citations: list[CitedSource]
    model: str
    prompt_version: str
    tool_calls: list[ToolCallOut]
    incomplete: bool
    pending: dict[str, Any] | None
    usage: list[TurnUsageOut]
    thread_id: str


class ChatEventOut(Struct, kw_only=True):
    """One non-token event of the turn; ``data`` is that event's payload (see the stream's events)."""

    type: EventName
    data: dict[str, Any]


class ChatAnswerOut(DoneEvent, kw_only=True):
    """The ``done`` payload of a whole turn, plus the non-token events that led to it, in order."""

    events: list[ChatEventOut]


EVENT_PAYLOADS: dict[str, type[Struct]] = {
    "start": StartEvent,
    "token": TokenEvent,
    "tool_call": ToolCallEvent,
    "tool_result": ToolResultEvent,
    "citation": CitationEvent,
    "notice": NoticeEvent,
    "error": ErrorEvent,
    "done": DoneEvent,
}
"""The JSON ``data`` of each server-sent event of ``POST /api/chat/stream/``, by event name."""


class MessageOut(Struct, kw_only=True):
    """A message of a thread.

    The student's messages carry ``mode``; the tutor's carry ``citations``, ``tool_calls``, ``model``,
    ``prompt_version``, ``incomplete`` (the answer was cut short) and ``pending``. Archived messages
    (in the data export) name their thread. ``review``: the course's review policy when the message was
    written; ``flags``: guardrail flags the turn raised (``quiz_answer_request``, ``prompt_injection``, ``abuse``).
    """

    id: str
    role: Literal["user", "assistant"]
    content: str
    created_at: datetime
    mode: str | UnsetType = UNSET
    citations: list[dict[str, Any]] | UnsetType = UNSET
    tool_calls: list[dict[str, Any]] | UnsetType = UNSET
    model: str | UnsetType | None = UNSET
    prompt_version: str | UnsetType | None = UNSET
    incomplete: bool | UnsetType = UNSET
    pending: dict[str, Any] | UnsetType | None = UNSET
    review: ReviewMode | UnsetType = UNSET
    flags: list[str] | UnsetType = UNSET


class ThreadOut(Struct, kw_only=True):
    """A conversation thread; ``messages`` (the live ones, oldest first) only when one thread is read.

    ``archived_count`` counts older messages moved out of the live thread (kept in the data export).
    ``review``: whether the course's instructor may read messages written in the thread from now on.
    """

    id: str
    user_id: str
    course_id: str | None
    title: str
    message_count: int
    created_at: datetime
    updated_at: datetime
    messages: list[MessageOut] | UnsetType = UNSET
    archived_count: int | UnsetType = UNSET
    review: ReviewMode | UnsetType = UNSET
