"""Reading server-sent events from a streaming httpx response."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx


async def sse_events(response: httpx.Response) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """Yield ``(event, data)`` pairs as they arrive."""
    event, data = "message", list[str]()
    async for line in response.aiter_lines():
        if line == "":
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", list[str]()
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())


async def collect(
    client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """Post to the streaming chat endpoint and gather every event."""
    async with client.stream("POST", "/api/chat/stream/", json=body, headers=headers) as response:
        assert response.status_code == 200, await response.aread()
        return [item async for item in sse_events(response)]
