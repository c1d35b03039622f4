"""Reading a streamed completion without LangChain: SSE framing, tool-call fragments, errors in the stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessageChunk, message_chunk_to_message

from agents.providers.openai_stream import ReplyBuilder, StreamingCompletions, _sse_data

pytestmark = pytest.mark.asyncio


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": "c", "model": "m", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _call(index: int, call_id: str | None = None, name: str | None = None, args: str | None = None) -> dict[str, Any]:
    function = {k: v for k, v in (("name", name), ("arguments", args)) if v is not None}
    return {"index": index, **({"id": call_id} if call_id else {}), "function": function}


def _langchain(chunks: list[dict[str, Any]]) -> Any:
    """What LangChain makes of the same fragments (tool_call_chunks merged by index)."""
    messages = [
        AIMessageChunk(
            content=c["choices"][0]["delta"].get("content") or "",
            tool_call_chunks=[
                {"index": t["index"], "id": t.get("id"), "name": t["function"].get("name"),
                 "args": t["function"].get("arguments"), "type": "tool_call_chunk"}
                for t in c["choices"][0]["delta"].get("tool_calls") or []
            ],
        )
        for c in chunks
        if c["choices"]
    ]
    return message_chunk_to_message(messages[0] + messages[1:])


async def test_tool_call_fragments_are_joined_as_langchain_joins_them():
    chunks = [
        _chunk({"role": "assistant", "content": ""}),
        _chunk({"content": "Let me"}),
        _chunk({"content": " check."}),
        _chunk({"tool_calls": [_call(0, "call_a", "search", "")]}),
        _chunk({"tool_calls": [_call(0, args='{"query": ')]}),
        _chunk({"tool_calls": [_call(0, args='"loops"}'), _call(1, "call_b", "enroll", '{"course_id": "c1"')]}),
        _chunk({"tool_calls": [_call(2, "call_c", "broken", "[1, 2]")]}),
        _chunk({}, "tool_calls"),
        {"id": "c", "choices": [], "usage": {"total_tokens": 3}},  # a usage-only chunk carries no choice
    ]
    builder = ReplyBuilder()
    texts = [builder.feed(c) for c in chunks]
    assert [t for t in texts if t] == ["Let me", " check."]
    ours, theirs = builder.message(), _langchain(chunks)
    assert ours.content == theirs.content == "Let me check."
    # A truncated object is repaired; arguments that are not an object make an invalid call.
    assert ours.tool_calls == theirs.tool_calls == [
        {"name": "search", "args": {"query": "loops"}, "id": "call_a", "type": "tool_call"},
        {"name": "enroll", "args": {"course_id": "c1"}, "id": "call_b", "type": "tool_call"},
    ]
    assert ours.invalid_tool_calls == theirs.invalid_tool_calls
    assert [c["name"] for c in ours.invalid_tool_calls] == ["broken"]
    assert ours.response_metadata["finish_reason"] == "tool_calls"


async def _blocks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_server_sent_events_are_framed_across_reads():
    parts = (b'data: {"a"', b': 1}\r\n\r\n: keep-alive\n\nevent: x\ndata: line one\ndata:line two\n\n', b"data: [DONE]\n\n")
    # One list per read that completes events: what arrives together is handed on together.
    assert [d async for d in _sse_data(_blocks(*parts))] == [['{"a": 1}', "line one\nline two"], ["[DONE]"]]


async def test_an_error_object_in_the_stream_is_the_sdks_api_error():
    body = b'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n'

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {len(body)}\r\n\r\n"
        writer.write(head.encode() + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sdk = openai.AsyncOpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="k")
    completions = StreamingCompletions(sdk, timeout_s=5)
    try:
        with pytest.raises(openai.APIError, match="overloaded"):
            [c async for c in completions.stream({"model": "m", "stream": True, "messages": []})]
    finally:
        await completions.aclose()
        server.close()
        await server.wait_closed()
    assert json.loads(body[6:])["error"]["type"] == "server_error"
