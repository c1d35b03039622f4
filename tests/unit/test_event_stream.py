"""Server-sent event records of a chat stream: one JSON data line per event, whatever the text holds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from agents.events import AgentEvent
from api.controllers.chat import _sse

pytestmark = pytest.mark.asyncio


async def _events(*events: AgentEvent) -> AsyncIterator[AgentEvent]:
    for event in events:
        yield event


async def test_each_event_is_one_record_with_a_json_data_line() -> None:
    events = _events(
        AgentEvent(
            "token", {"text": "line one\nline two\r\n« naïve »", "at": datetime(2026, 12, 1, 9, 30, tzinfo=UTC)}
        ),
        AgentEvent("tool_result", {"at": datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "name": "f\udcffile.pdf"}),
    )
    records = [record async for record in _sse(events)]
    assert len(records) == 2
    for record in records:
        assert record.endswith(b"\r\n\r\n") and record.count(b"\r\n") == 3  # event, data, blank line
    kind, data = records[0].decode().split("\r\n")[:2]
    token = json.loads(data.removeprefix("data: "))
    assert kind == "event: token" and token["text"].endswith("« naïve »") and token["at"] == "2026-12-01T09:30:00Z"
    result = json.loads(records[1].decode().split("\r\n")[1].removeprefix("data: "))
    assert result == {"at": "2026-12-01T09:30:00Z", "name": "f\udcffile.pdf"}  # dates as in every JSON body
