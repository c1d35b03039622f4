"""Value types crossing the agent boundary: conversation turns in, stream events out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EventType = Literal["start", "token", "tool_call", "tool_result", "citation", "notice", "error", "done"]


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """One earlier message of the conversation.

    Attributes:
        role: ``user`` (the student) or ``assistant`` (the tutor).
        content: Message text as shown in the thread.
        pending: For an assistant turn, what it left waiting on the student's next message (a paid
            enrollment to confirm, a practice question to grade); ``None`` otherwise.
    """

    role: Literal["user", "assistant"]
    content: str
    pending: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class AgentEvent:
    """One event of a streamed turn; ``type`` and ``data`` map 1:1 onto an SSE event and its JSON.

    Payloads by type:
        start: ``{"thread_id", "course_id", "mode"}``, first, as soon as the turn is accepted (the
            student's message is stored): the client knows its thread before the tutor says anything.
        token: ``{"text"}``.
        tool_call: ``{"id", "name", "args"}`` once the call is complete.
        tool_result: ``{"id", "name", "ok", "summary"}``.
        citation: ``{"n", "snippet", "score", "rank", "citation"}`` (``citation`` = ``Chunk.citation()``).
        notice: ``{"message", "code", "model", "discard_partial"}`` (e.g. fallback to the local model;
            ``discard_partial`` tells the client to drop tokens shown so far for this answer).
        error: ``{"message", "code"}`` (safe to show; never an exception text).
        done: ``{"answer", "citations", "model", "prompt_version", "tool_calls", "incomplete", "pending"}``.
    """

    type: EventType
    data: dict[str, Any] = field(default_factory=dict)
