"""``/api/chat``: whole answers, server-sent-event streams, and the caller's threads."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar import Controller, delete, get, post
from litestar.response import Stream

from agents.chat import ChatIn, ChatService
from agents.events import AgentEvent
from api.params import PathId
from api.schemas.chat import ChatAnswerOut, ThreadOut
from api.schemas.convert import typed
from api.schemas.operations import EventStreamOperation
from tutor.container import Services
from tutor.json_text import to_json
from tutor.services.principal import Principal


async def _sse(events: AsyncIterator[AgentEvent]) -> AsyncIterator[bytes]:
    """One SSE record per agent event, forwarded as soon as it is produced.

    Encoded here rather than by Litestar's ``ServerSentEvent``, which hands its first chunk to a
    worker thread: one thread round trip per stream, before the first event, that 64 concurrent
    streams queue behind. A JSON document has no line break, so each record is one ``data`` line.
    """
    async for event in events:
        yield f"event: {event.type}\r\ndata: {to_json(event.data)}\r\n\r\n".encode()


class ChatController(Controller):
    """Chat with the tutor."""

    path = "/api/chat"
    tags = ["chat"]

    @post("/", status_code=200, summary="Ask the tutor (whole answer)")
    async def chat(self, data: ChatIn, chat: ChatService, principal: Principal) -> ChatAnswerOut:
        """Run one turn; answers the ``done`` payload plus ``thread_id`` and the non-token ``events``."""
        return typed(await chat.answer(principal, data), ChatAnswerOut)

    @post(
        "/stream/",
        status_code=200,
        summary="Ask the tutor (server-sent events)",
        operation_class=EventStreamOperation,
    )
    async def stream(self, data: ChatIn, chat: ChatService, principal: Principal) -> Stream:
        """Events ``start`` (thread stored), then ``token``, ``tool_call``, ``tool_result``, ``citation``, ``notice``,
        ``error``, and last ``done``."""
        turn = await chat.begin(principal, data)
        return Stream(
            _sse(chat.run(turn)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @get("/threads/", summary="My conversation threads")
    async def threads(self, services: Services, principal: Principal) -> list[ThreadOut]:
        """Threads of the caller, newest first."""
        return typed(await services.conversations.list(principal), list[ThreadOut])

    @get("/threads/{thread_id:str}/", summary="One of my threads")
    async def thread(self, thread_id: PathId, services: Services, principal: Principal) -> ThreadOut:
        """A thread with its messages."""
        return typed(await services.conversations.get(principal, thread_id), ThreadOut)

    @delete("/threads/{thread_id:str}/", summary="Delete one of my threads")
    async def delete_thread(self, thread_id: PathId, services: Services, principal: Principal) -> None:
        """Delete a thread."""
        await services.conversations.delete(principal, thread_id)
