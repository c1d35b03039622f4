"""The ASGI application as served: the API of ``api.app`` over the services ``app.wiring`` builds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Litestar

from api.app import create_app as create_api
from app.wiring import open_services
from tutor.settings import Settings


def create_app(settings: Settings, extra_handlers: Sequence[Any] = ()) -> Litestar:
    """The API for ``settings`` with every service wired (tests and benches start it this way too)."""
    return create_api(settings, open_services, extra_handlers)


def app_factory() -> Litestar:
    """Entry point for ``uvicorn --factory app.asgi:app_factory``."""
    return create_app(Settings())
