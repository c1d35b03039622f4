"""What every HTTP request leaves for operations: its duration metric, its access log line, its span.

Labels and fields are bounded and anonymous: the route template (``/api/courses/{course_id:str}/``, never
a path with ids), the method, the status class, and a hash of the user id.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

from litestar.types import Scope
from opentelemetry.trace import Span
from prometheus_client import Histogram

from tutor.logs import user_hash
from tutor.metrics import HTTP_REQUEST_SECONDS
from tutor.tracing import mark_error

access = logging.getLogger("tutor.access")
ACCESS_LINE = "%s %s %d %.1f ms"


@functools.lru_cache(maxsize=1024)  # bounded like the labels: route templates x methods x status classes
def _histogram(route: str, method: str, status_class: int) -> Histogram:
    return HTTP_REQUEST_SECONDS.labels(route, method, f"{status_class}xx")


def route_of(scope: Scope) -> str:
    """The route template the request matched, or ``unmatched`` (a 404 for an unknown path)."""
    return str(scope.get("path_template") or "unmatched")  # type: ignore[typeddict-item]


def headers_of(scope: Scope) -> dict[str, str]:
    """The request headers, decoded (for trace context)."""
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}


def carries_trace(scope: Scope) -> bool:
    """Whether the request carries a W3C trace context (``traceparent``) to continue."""
    return any(name.lower() == b"traceparent" for name, _ in scope["headers"])


def finish(scope: Scope, status: int, started: float, span: Span) -> None:
    """Record the finished request: the histogram, one access line, and the span's route and status."""
    seconds = time.perf_counter() - started
    route, method = route_of(scope), str(scope.get("method", "?"))
    _histogram(route, method, status // 100).observe(seconds)
    if access.isEnabledFor(logging.INFO):
        user: Any = scope.get("user")
        fields = {
            "route": route,
            "method": method,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "user": user_hash(getattr(user, "user_id", None)),
        }
        # A record made directly: Logger.info would also look up its caller's frame, which no line shows.
        args = (method, route, status, seconds * 1000)
        access.handle(access.makeRecord(access.name, logging.INFO, __file__, 0, ACCESS_LINE, args, None, extra=fields))
    if span.is_recording():
        span.update_name(f"{method} {route}")
        span.set_attribute("http.route", route)
        span.set_attribute("http.response.status_code", status)
        if status >= 500:
            mark_error(span, f"HTTP {status}")
