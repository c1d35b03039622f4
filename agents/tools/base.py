"""Tool plumbing: per-turn context, outcomes, and the error-to-result wrapper."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ValidationError

from agents.deps import PortError, TutorDeps
from agents.guardrails import ActionPolicy
from tutor.errors import DomainError

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class TurnContext:
    """State shared by the tools during one chat turn.

    Attributes:
        deps: Typed dependencies (user and service ports).
        policy: The action policy derived from the student's own messages.
        course_id: Course the chat is opened in (default scope for searches), if any.
        next_citation: Number the next retrieved source gets, so numbers stay unique within a turn.
        catalog: Catalogue fetched during this turn (cached for course-name resolution).
        pending: What the previous assistant turn of the thread left waiting on this message (e.g.
            ``{"kind": "enroll_confirm", "course_id": ...}`` or ``{"kind": "practice", ...}``); read-only.
        next_pending: Set by a tool to leave something waiting on the student's next message; stored
            on this turn's assistant message by the chat service (server-side state, never from the model).
    """

    deps: TutorDeps
    policy: ActionPolicy
    course_id: str | None = None
    next_citation: int = 1
    catalog: list[dict[str, Any]] | None = None
    pending: dict[str, Any] | None = None
    next_pending: dict[str, Any] | None = None

    async def courses(self) -> list[dict[str, Any]]:
        """The public catalogue, fetched at most once per turn."""
        if self.catalog is None:
            self.catalog = await self.deps.catalog.list_courses({})
        return self.catalog


@dataclass(slots=True)
class ToolOutcome:
    """What a tool run produced.

    Attributes:
        ok: Whether the tool did what was asked.
        content: Text handed back to the model.
        summary: One line for the client stream (``tool_result.summary``).
        data: Structured payload for the runner and the local model (e.g. ``hits``, ``courses``).
    """

    ok: bool
    content: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def failure(
        cls, code: str, message: str, details: dict[str, Any] | None = None, summary: str | None = None
    ) -> ToolOutcome:
        """An error result the model can read and recover from.

        ``summary`` is what the student sees of it when ``message`` speaks to the model ("ask the student
        to confirm ..."); by default the message itself.
        """
        error: dict[str, Any] = {"code": code, "message": message}
        if details:
            error["details"] = details
        payload = {"ok": False, "error": error}
        return cls(ok=False, content=json.dumps(payload), summary=summary or message, data=payload)

    @property
    def code(self) -> str | None:
        """The error code of a failure (None for a success)."""
        error = self.data.get("error")
        return str(error["code"]) if not self.ok and isinstance(error, dict) and "code" in error else None

    def event(self, call_id: str, name: str) -> dict[str, Any]:
        """The ``tool_result`` event of this outcome (also what the turn records of the call)."""
        out: dict[str, Any] = {"id": call_id, "name": name, "ok": self.ok, "summary": self.summary}
        if self.code is not None:
            out["code"] = self.code
        return out

    @classmethod
    def success(cls, payload: dict[str, Any], summary: str) -> ToolOutcome:
        """A JSON success result."""
        body = {"ok": True, **payload}
        return cls(ok=True, content=json.dumps(body, default=str), summary=summary, data=body)


Handler = Callable[..., Awaitable[ToolOutcome]]


def _validation_message(exc: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in err['loc']) or 'args'}: {err['msg']}" for err in exc.errors()]
    return "invalid arguments: " + "; ".join(parts)


@dataclass(slots=True)
class TutorTool:
    """A tool the model may call (its name, description and argument schema) plus a safe runner for the agent loop.

    Tools are built every turn around that turn's context; the LangChain tool (:attr:`tool`) is made only
    when something asks for it (the model's function schema, built once per tool name).
    """

    name: str
    description: str
    schema: type[BaseModel]
    handler: Handler

    @property
    def tool(self) -> StructuredTool:
        """The tool as a LangChain ``StructuredTool`` with :attr:`schema` as its validated arguments."""

        async def _call(**kwargs: Any) -> str:
            return (await self.run(kwargs)).content

        return StructuredTool.from_function(
            coroutine=_call, name=self.name, description=self.description, args_schema=self.schema
        )

    async def run(self, args: dict[str, Any]) -> ToolOutcome:
        """Validate ``args`` and run the tool; every failure becomes an error outcome.

        ``asyncio.CancelledError`` is not an ``Exception`` and so still propagates.
        """
        try:
            parsed = self.schema.model_validate(args)
        except ValidationError as exc:
            return ToolOutcome.failure("invalid_input", _validation_message(exc))
        try:
            return await self.handler(**parsed.model_dump())
        except PortError as exc:
            return ToolOutcome.failure(exc.code, exc.message, exc.details)
        except DomainError as exc:
            # Domain errors carry messages written for users; anything else is internal and hidden.
            return ToolOutcome.failure(exc.code, exc.message)
        except Exception:
            logger.exception("tool %s failed", self.name)
            return ToolOutcome.failure("internal_error", "the tool failed for an internal reason")


def make_tool(name: str, description: str, schema: type[BaseModel], handler: Handler) -> TutorTool:
    """Wrap ``handler`` as a tool with ``schema`` as its validated arguments."""
    return TutorTool(name=name, description=description, schema=schema, handler=handler)
