"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from litestar import Response, get

from tutor.container import Services


@get("/healthz", summary="Liveness", tags=["health"])
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@get("/readyz", summary="Readiness", tags=["health"])
async def readyz(services: Services) -> Response[dict[str, Any]]:
    """MongoDB answers."""
    ok = await services.mongo.ping()
    body = {"status": "ok" if ok else "unavailable", "checks": {"mongodb": ok}}
    return Response(body, status_code=200 if ok else 503)
