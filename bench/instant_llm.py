"""An OpenAI-compatible chat endpoint that answers instantly, to measure the tutor server's own overhead."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Request, post
from litestar.response import Response, Stream

WORDS = ["A", "loop", "repeats", "a", "block", "of", "code", "for", "every", "item", "of", "a", "sequence."]


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-instant",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "instant",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


async def _stream() -> AsyncIterator[bytes]:
    yield _chunk({"role": "assistant", "content": ""})
    for i, word in enumerate(WORDS):
        yield _chunk({"content": word if i == 0 else " " + word})
    yield _chunk({}, "stop")
    yield b"data: [DONE]\n\n"


@post("/v1/chat/completions")
async def completions(request: Request[Any, Any, Any]) -> Response[Any]:
    """Stream (or return) a fixed answer."""
    body = await request.json()
    if body.get("stream"):
        return Stream(_stream(), media_type="text/event-stream")
    message = {"role": "assistant", "content": " ".join(WORDS)}
    return Response(
        {
            "id": "chatcmpl-instant",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "instant",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": len(WORDS), "total_tokens": 1 + len(WORDS)},
        }
    )


def app_factory() -> Litestar:
    """Factory for ``uvicorn --factory``."""
    return Litestar([completions])
