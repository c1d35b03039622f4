"""The request-id middleware's own safety net, for failures no Litestar exception handler saw."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from api.request_id import RequestIdMiddleware


def _scope(path: str = "/api/x/") -> dict[str, Any]:
    return {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": [(b"x-request-id", b"r-1")]}


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _run(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    middleware: Any = RequestIdMiddleware(app)  # plain dicts stand in for the ASGI TypedDicts
    await middleware(scope, _receive, send)
    return sent


async def test_an_exception_escaping_the_app_is_a_logged_500_with_the_id(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("escaped")

    with caplog.at_level(logging.ERROR, logger="tutor.api"):
        sent = await _run(broken, _scope())
    start, body = sent
    assert start["status"] == 500 and (b"x-request-id", b"r-1") in start["headers"]
    assert json.loads(body["body"]) == {
        "status_code": 500,
        "error": "internal_error",
        "detail": "internal error",
        "request_id": "r-1",
    }
    [record] = [r for r in caplog.records if "request_id=r-1" in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


async def test_a_failure_after_the_status_line_is_logged_and_reraised(caplog: pytest.LogCaptureFixture) -> None:
    async def dies_mid_stream(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("mid-stream")

    with caplog.at_level(logging.ERROR, logger="tutor.api"), pytest.raises(RuntimeError):
        await _run(dies_mid_stream, _scope())
    assert [r for r in caplog.records if "request_id=r-1" in r.getMessage()]


async def test_websockets_pass_through_untouched() -> None:
    seen: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope)

    await _run(app, {"type": "websocket", "path": "/ws", "headers": []})
    assert seen and seen[0]["type"] == "websocket"
