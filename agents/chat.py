"""Chat turns: rate limit, thread persistence, the agent's stream, and the partial answer on disconnect."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import StringConstraints

from agents.deps import TutorDeps
from agents.events import AgentEvent, ChatTurn
from agents.flags import message_flags, turn_flags
from agents.oversight import ChatOversight, cap_notice
from agents.runner import TutorAgent
from tutor.db import Document
from tutor.metrics import CHAT_ACTIVE_STREAMS, CHAT_FIRST_EVENT_SECONDS, CHAT_TURN_SECONDS
from tutor.schemas.common import NOT_BLANK, Identifier, StrictModel, new_id, utcnow
from tutor.schemas.tutor_policy import DEFAULT_POLICY, TutorPolicy
from tutor.services.conversations import ConversationService
from tutor.services.principal import Principal
from tutor.services.ratelimit import RateLimiter
from tutor.services.usage import Admission

DepsFactory = Callable[[Principal], Awaitable[TutorDeps]]


class ChatIn(StrictModel):
    """``POST /api/chat/`` and ``/api/chat/stream/`` body."""

    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000, pattern=NOT_BLANK)]
    thread_id: Identifier | None = None
    course_id: Identifier | None = None
    mode: Literal["answer", "socratic"] = "answer"


@dataclass
class Turn:
    """A turn that passed its checks and is ready to run."""

    principal: Principal
    request: ChatIn
    thread: Document
    deps: TutorDeps
    history: list[ChatTurn] = field(default_factory=list)
    # The review policy and caps of the thread's course when the message was written.
    policy: TutorPolicy = field(default_factory=lambda: DEFAULT_POLICY)
    flags: list[str] = field(default_factory=list)  # what the student's message raised
    started: float = field(default_factory=time.perf_counter)  # when the request began (for the metrics)

    @property
    def course_id(self) -> str | None:
        """The course the tutor answers about: the page's, else the thread's."""
        return self.request.course_id or self.thread.get("course_id")


class ChatService:
    """Runs the tutor agent for the calling user and keeps the conversation."""

    def __init__(
        self,
        agent: TutorAgent,
        conversations: ConversationService,
        deps_factory: DepsFactory,
        limiter: RateLimiter | None = None,
        oversight: ChatOversight | None = None,
    ) -> None:
        self.agent = agent
        self.conversations = conversations
        self.deps_factory = deps_factory
        self.limiter = limiter
        self.oversight = oversight

    async def begin(self, principal: Principal, request: ChatIn) -> Turn:
        """Check the rate limit and the thread, record the student's message; errors raise before streaming."""
        started = time.perf_counter()
        deps = await self.deps_factory(principal)
        flags = message_flags(request.message)
        message = {
            "id": new_id(),
            "role": "user",
            "content": request.message,
            "mode": request.mode,
            "created_at": utcnow(),
            "flags": flags,
        }
        thread = await self._record(principal, request, message)
        history = [
            ChatTurn(m["role"], m["content"], m.get("pending"))
            for m in thread.get("messages", [])
            if m["role"] in ("user", "assistant")
        ]
        policy = message["policy"]
        assert isinstance(policy, TutorPolicy)  # set by _stamp
        return Turn(principal, request, thread, deps, history, policy, flags, started)

    async def _stamp(self, message: dict[str, Any], course_id: str | None) -> None:
        """Mark the message with the review policy of its thread's course (``policy`` is kept off the record)."""
        policy = await self.oversight.policy(course_id) if self.oversight is not None else DEFAULT_POLICY
        message["review"] = policy.conversation_review
        message["policy"] = policy

    async def _record(self, principal: Principal, request: ChatIn, message: dict[str, Any]) -> Document:
        """Count the message against the rate limit and store it; the thread as it was before the message.

        The two are independent round trips, so they overlap (each one a chat waits for before its first
        event is a wait for every other request on the loop too). A new thread is written at once and
        removed again if the limit refuses the message; an existing thread is read (it must be the
        caller's) while counting, and the message appended only once the limit allows it.
        """
        if request.thread_id is not None:
            if self.limiter is None:
                thread = await self.conversations.owned(principal, request.thread_id)
            else:
                _, thread = await asyncio.gather(
                    self.limiter.hit(principal.user_id), self.conversations.owned(principal, request.thread_id)
                )
            await self._stamp(message, thread.get("course_id"))
            await self.conversations.append(request.thread_id, [_stored(message)])
            return thread
        await self._stamp(message, request.course_id)
        opening = self.conversations.open(principal, None, request.message, request.course_id, [_stored(message)])
        if self.limiter is None:
            return await opening
        counted, opened = await asyncio.gather(self.limiter.hit(principal.user_id), opening, return_exceptions=True)
        if isinstance(counted, BaseException):
            if not isinstance(opened, BaseException):
                await self.conversations.delete(principal, opened["_id"])  # refused: nothing of it is kept
            raise counted
        if isinstance(opened, BaseException):
            raise opened
        return opened

    async def run(self, turn: Turn) -> AsyncIterator[AgentEvent]:
        """Stream ``start``, then the agent's events; the assistant message is stored even if the client goes away."""
        course_id = turn.course_id
        done: dict[str, Any] | None = None
        tokens: list[str] = []
        tool_calls: list[dict[str, Any]] = []
        model = ""
        admission = Admission()
        model_label = self.agent.providers[0].model_name
        CHAT_ACTIVE_STREAMS.inc()
        try:
            # First, before the model is asked anything: the client learns its thread at once.
            review = turn.policy.conversation_review  # the student's client tells them when it is on
            yield AgentEvent("start", {"thread_id": turn.thread["_id"], "course_id": course_id,
                                       "mode": turn.request.mode, "review": review})  # fmt: skip
            CHAT_FIRST_EVENT_SECONDS.labels(model_label).observe(time.perf_counter() - turn.started)
            if self.oversight is not None:
                admission = await self.oversight.admit(course_id, turn.principal, turn.policy)
            # Only the turn right before this message can leave something waiting on it.
            last = turn.history[-1] if turn.history else None
            pending = last.pending if last is not None and last.role == "assistant" else None
            async for event in self.agent.stream(
                turn.deps, turn.history, turn.request.message, turn.request.mode, course_id, pending,
                offline=cap_notice(admission),
            ):  # fmt: skip
                if event.type == "token":
                    tokens.append(str(event.data.get("text", "")))
                elif event.type == "notice" and event.data.get("discard_partial"):
                    tokens.clear()
                elif event.type == "tool_result":
                    tool_calls.append(dict(event.data))
                elif event.type == "notice":
                    model = str(event.data.get("model", model))
                if event.type == "done":
                    done = {**event.data, "thread_id": turn.thread["_id"]}
                    yield AgentEvent("done", done)
                else:
                    yield event
        finally:
            CHAT_ACTIVE_STREAMS.dec()
            CHAT_TURN_SECONDS.labels(model_label).observe(time.perf_counter() - turn.started)
            message = _assistant_message(done, tokens, tool_calls, model, self.agent.prompts.version)
            message["review"] = turn.policy.conversation_review
            message["flags"] = turn_flags(turn.flags, message.get("tool_calls") or [])
            # Shielded: a disconnect cancels this generator, but the partial answer must still be kept.
            await asyncio.shield(self._keep(turn, message, admission, done))

    async def _keep(
        self, turn: Turn, message: dict[str, Any], admission: Admission, done: dict[str, Any] | None
    ) -> None:
        """Store the assistant message and report the turn to the course's oversight, side by side."""
        stored = self.conversations.append(turn.thread["_id"], [message])
        if self.oversight is None:
            await stored
            return
        report = self.oversight.finish(turn.course_id, turn.principal.user_id, admission, done, turn.request.message)
        await asyncio.gather(stored, report)

    async def answer(self, principal: Principal, request: ChatIn) -> dict[str, Any]:
        """Run a whole turn and return the final payload with the events that led to it."""
        turn = await self.begin(principal, request)
        events: list[dict[str, Any]] = []
        final: dict[str, Any] = {}
        async for event in self.run(turn):
            if event.type == "done":
                final = dict(event.data)
            elif event.type not in ("token", "start"):  # the answer carries the thread id itself
                events.append({"type": event.type, "data": event.data})
        return {**final, "events": events}


def _stored(message: dict[str, Any]) -> dict[str, Any]:
    """The message as stored (without the policy object it was stamped with)."""
    return {k: v for k, v in message.items() if k != "policy"}


def _assistant_message(
    done: dict[str, Any] | None, tokens: list[str], tool_calls: list[dict[str, Any]], model: str, prompt_version: str
) -> dict[str, Any]:
    base = {"id": new_id(), "role": "assistant", "created_at": utcnow()}
    if done is not None:
        return {
            **base,
            "content": done.get("answer", ""),
            "citations": done.get("citations", []),
            "tool_calls": done.get("tool_calls", []),
            "model": done.get("model"),
            "prompt_version": done.get("prompt_version"),
            "incomplete": bool(done.get("incomplete")),
            "pending": done.get("pending"),
        }
    return {
        **base,
        "content": "".join(tokens),
        "citations": [],
        "tool_calls": tool_calls,
        "model": model or None,
        "prompt_version": prompt_version,
        "incomplete": True,
    }
