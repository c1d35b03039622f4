"""The Litestar application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.pydantic import PydanticPlugin

from api.auth import PUBLIC_PATHS, BearerAuthMiddleware
from api.composition import build_extensions
from api.controllers.account import AccountController
from api.controllers.ai import AIController
from api.controllers.auth import AuthController
from api.controllers.chat import ChatController
from api.controllers.content import CourseContentController
from api.controllers.courses import CourseController
from api.controllers.enrollment import EnrollmentController
from api.controllers.health import healthz, readyz
from api.controllers.materials import MaterialController
from api.controllers.progress import ProgressController
from api.deps import DEPENDENCIES
from api.errors import EXCEPTION_HANDLERS
from api.json_limits import TutorRequest
from api.request_id import RequestIdMiddleware
from api.web import web_router
from tutor.container import Services
from tutor.db import Mongo
from tutor.settings import Settings, get_settings

Extension = Callable[[Litestar], Any]


def create_app(settings: Settings | None = None, extra_handlers: Sequence[Any] = ()) -> Litestar:
    """Build the API for ``settings`` (read from the environment when omitted).

    ``MONGODB_URL`` must point at a running server: ``tutor serve`` starts the embedded one first.
    """
    settings = settings or get_settings()
    if not settings.mongodb_url:
        raise RuntimeError("MONGODB_URL is not set; start the service with `tutor serve`")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
        await mongo.ensure_indexes()
        core = Services.build(mongo, settings)
        app.state.services = core
        extensions = build_extensions(core, settings)
        app.state.extensions = extensions
        try:
            yield
        finally:
            await extensions.close()
            await mongo.close()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per chromadb call otherwise
    app = Litestar(
        route_handlers=[
            AuthController,
            AccountController,
            CourseController,
            CourseContentController,
            EnrollmentController,
            ProgressController,
            MaterialController,
            ChatController,
            AIController,
            healthz,
            readyz,
            *extra_handlers,
            web_router(),
        ],
        dependencies=DEPENDENCIES,
        plugins=[PydanticPlugin(validate_strict=True)],
        request_class=TutorRequest,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[DefineMiddleware(BearerAuthMiddleware, exclude=PUBLIC_PATHS)],
        lifespan=[lifespan],
        request_max_body_size=int(settings.max_upload_bytes * 1.1) + 1024 * 1024,
        openapi_config=OpenAPIConfig(
            title="Tutor service API",
            version="0.1.0",
            path="/schema",
            components=Components(
                security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
            security=[{"BearerToken": []}],
        ),
    )
    # Outermost layer, around routing too: request id, security headers and 5xx logging on every response.
    app.asgi_handler = RequestIdMiddleware(app.asgi_handler)
    return app


def app_factory() -> Litestar:
    """Entry point for ``uvicorn --factory api.app:app_factory``."""
    return create_app(Settings())
