"""The baseline for ``bench.api``: a bare Litestar JSON endpoint, served by uvicorn the same way."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get

PAYLOAD = {"items": [{"id": str(i), "title": f"Course {i}", "price": i} for i in range(20)], "total": 20}


@get("/bare")
async def bare() -> dict[str, Any]:
    """A fixed JSON document."""
    return PAYLOAD


def app_factory() -> Litestar:
    """Factory for ``uvicorn --factory``."""
    return Litestar([bare])
