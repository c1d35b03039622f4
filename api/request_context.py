"""The current request's id, visible to exception handlers and logs of the same request.

:class:`api.request_id.RequestIdMiddleware` sets it for every HTTP request; code outside a request
(startup, the worker) sees ``None``.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar, Token
from dataclasses import dataclass

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


@dataclass
class RequestContext:
    """What the request-id middleware and the exception handlers share about one request."""

    request_id: str
    failure_logged: bool = False
    """An exception handler already logged this request's 5xx with its traceback."""


_current: ContextVar[RequestContext | None] = ContextVar("tutor_request", default=None)


def request_id_from(header: str | None) -> str:
    """The client's ``X-Request-ID`` when it is a sane token, otherwise a new random id."""
    if header and _SANE_ID.fullmatch(header):
        return header
    return os.urandom(16).hex()  # 32 hex digits, as uuid4().hex, without building a UUID


def current() -> RequestContext | None:
    """The request being handled, if any."""
    return _current.get()


def current_request_id() -> str | None:
    """The id of the request being handled, if any."""
    context = _current.get()
    return context.request_id if context else None


def mark_failure_logged() -> None:
    """Record that this request's server error was logged (the middleware then does not log it again)."""
    context = _current.get()
    if context is not None:
        context.failure_logged = True


def enter(context: RequestContext) -> Token[RequestContext | None]:
    """Make ``context`` current; returns the token for :func:`leave`."""
    return _current.set(context)


def leave(token: Token[RequestContext | None]) -> None:
    """Restore the context that was current before :func:`enter`."""
    _current.reset(token)
