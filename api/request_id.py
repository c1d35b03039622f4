"""The outermost layer of every HTTP request: request id, security headers, URL sanity, 5xx logging, and
what operations see of it (duration metric, access log line, trace span: :mod:`api.observe`).

It wraps Litestar's whole ASGI handler (routing included), so 404s for unknown paths, static files and
streamed (SSE) responses get the same headers as the API's JSON answers. It only edits the
``http.response.start`` message; body messages pass through untouched, one by one.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send
from opentelemetry.trace import SpanKind

from api import observe, request_context
from api.errors import error_body
from api.request_context import REQUEST_ID_HEADER, RequestContext
from api.security_headers import security_headers
from tutor.logs import REQUEST_FIELDS
from tutor.tracing import continued, recording

log = logging.getLogger("tutor.api")

_REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode()
# C0 controls and DEL: no route or file name has them, and a NUL breaks file-system calls.
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_NUL_IN_QUERY = re.compile(rb"\x00|%00")


class RequestIdMiddleware:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one connection; anything but HTTP (websockets) passes straight through."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        context = RequestContext(request_id_from_scope(scope))
        token = request_context.enter(context)
        fields = REQUEST_FIELDS.set({"request_id": context.request_id})
        started = time.perf_counter()
        response = _ResponseWatch(scope, context.request_id, send)
        # Decoded only when something can use them: a provider records, or the caller sent a trace context.
        headers = observe.headers_of(scope) if recording() or observe.carries_trace(scope) else None
        with continued(f"HTTP {scope.get('method', '?')}", headers, SpanKind.SERVER) as span:
            try:
                problem = _url_problem(scope)
                if problem:
                    await _send_error(response.send, 400, "bad_request", problem)
                else:
                    await self.app(scope, receive, response.send)
            except Exception:
                context.failure_logged = True
                log.exception("unhandled error on %s request_id=%s", _describe(scope), context.request_id)
                if response.started:
                    raise  # the status line is gone; let the server abort the connection
                await _send_error(response.send, 500, "internal_error", "internal error")
            finally:
                if response.status >= 500 and not context.failure_logged:
                    log.error("%s answered %d request_id=%s", _describe(scope), response.status, context.request_id)
                observe.finish(scope, response.status or 500, started, span)
                REQUEST_FIELDS.reset(fields)
                request_context.leave(token)


def request_id_from_scope(scope: Scope) -> str:
    """The client's sane ``X-Request-ID`` or a new one."""
    for name, value in scope["headers"]:
        if name.lower() == _REQUEST_ID_KEY:
            return request_context.request_id_from(value.decode("latin-1"))
    return request_context.request_id_from(None)


class _ResponseWatch:
    """Wraps ``send``: adds the headers to the response start and remembers the status."""

    def __init__(self, scope: Scope, request_id: str, send: Send) -> None:
        self._send = send
        self._extra = ((_REQUEST_ID_KEY, request_id.encode()), *security_headers(scope["path"]))
        self.status = 0
        self.started = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            headers = list(message.get("headers", ()))
            present = {name.lower() for name, _ in headers}
            headers.extend((name, value) for name, value in self._extra if name not in present)
            message = cast(HTTPResponseStartEvent, {**message, "headers": headers})
        await self._send(message)


async def _send_error(send: Send, status: int, code: str, message: str) -> None:
    body = error_body(status, code, message)  # carries the current request id
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json")],
    }
    await send(start)
    await send({"type": "http.response.body", "body": json.dumps(body).encode(), "more_body": False})


def _url_problem(scope: Scope) -> str | None:
    if _CONTROL_CHARS.search(scope["path"]):
        return "the URL path contains control characters"
    if _NUL_IN_QUERY.search(scope.get("query_string", b"")):
        return "the query string contains a NUL character"
    return None


def _describe(scope: Scope) -> str:
    return f"{scope.get('method', '?')} {scope['path']!r}"
