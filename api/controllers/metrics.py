"""``GET /metrics``: the API's Prometheus metrics, for loopback clients or a scraper holding ``METRICS_TOKEN``."""

from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Any

from litestar import Request, get
from litestar.response import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from tutor.errors import Forbidden, Unauthorized
from tutor.metrics import WORKER_QUEUE_DEPTH

log = logging.getLogger(__name__)
QUEUES = ("celery",)  # Celery's default queue: every background task goes there


def _loopback(request: Request[Any, Any, Any]) -> bool:
    """A client on this machine, not a request relayed by a proxy on it."""
    if "x-forwarded-for" in request.headers or "forwarded" in request.headers:
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_caller(request: Request[Any, Any, Any], token: str | None) -> None:
    """Let loopback clients and holders of ``METRICS_TOKEN`` in; raise 401/403 (as every error) otherwise."""
    if _loopback(request):
        return
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    if token is None:
        raise Forbidden("metrics are served to loopback clients only (set METRICS_TOKEN to let a remote scraper in)")
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized("metrics need Authorization: Bearer <METRICS_TOKEN>")
    if not hmac.compare_digest(presented.strip().encode(), token.encode()):
        raise Forbidden("wrong metrics token")


async def _queue_depths(request: Request[Any, Any, Any]) -> None:
    """Read how many jobs wait in each queue (at scrape time, so the gauge is never stale)."""
    try:
        redis = request.app.state.extensions.redis
        for queue in QUEUES:
            WORKER_QUEUE_DEPTH.labels(queue).set(await redis.llen(queue))
    except Exception as exc:  # the broker being down must not hide every other metric
        log.warning("queue depth not read: %r", exc)


@get("/metrics", include_in_schema=False, media_type=CONTENT_TYPE_LATEST)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Every metric of this API process in Prometheus' text format."""
    _check_caller(request, request.app.state.settings.metrics_token)
    await _queue_depths(request)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
