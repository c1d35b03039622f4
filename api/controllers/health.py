"""Liveness and readiness."""

from __future__ import annotations

from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec

from api.schemas.account import HealthOut, ReadinessOut
from tutor.container import Services

NOT_READY = ResponseSpec(ReadinessOut, description="A dependency does not answer (see ``checks``)")


@get("/healthz", summary="Liveness", tags=["health"])
async def healthz() -> HealthOut:
    """The process is up."""
    return HealthOut(status="ok")


@get("/readyz", summary="Readiness", tags=["health"], responses={503: NOT_READY})
async def readyz(services: Services) -> Response[ReadinessOut]:
    """MongoDB answers."""
    ok = await services.mongo.ping()
    body = ReadinessOut(status="ok" if ok else "unavailable", checks={"mongodb": ok})
    return Response(body, status_code=200 if ok else 503)
