"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.pydantic import PydanticPlugin

from api.auth import PUBLIC_PATHS, BearerAuthMiddleware
from api.controllers.account import AccountController
from api.controllers.ai import AIController
from api.controllers.auth import AuthController
from api.controllers.chat import ChatController
from api.controllers.content import CourseContentController
from api.controllers.courses import CourseController
from api.controllers.drafts import QuestionDraftController
from api.controllers.enrollment import EnrollmentController
from api.controllers.health import healthz, readyz
from api.controllers.lti import LtiApiController, LtiController
from api.controllers.materials import MaterialController
from api.controllers.metrics import metrics
from api.controllers.oversight import OversightController
from api.controllers.progress import ProgressController
from api.deps import DEPENDENCIES
from api.errors import EXCEPTION_HANDLERS
from api.extensions import ServicesFactory
from api.json_limits import TutorRequest
from api.openapi_errors import document_errors
from api.request_id import RequestIdMiddleware
from api.schemas.request_docs import RequestModelSchemaPlugin
from api.web import web_router
from tutor.logs import configure_logging
from tutor.settings import Settings
from tutor.tracing import configure_tracing

Extension = Callable[[Litestar], Any]


def create_app(settings: Settings, services: ServicesFactory, extra_handlers: Sequence[Any] = ()) -> Litestar:
    """Build the API for ``settings``, over the services ``services`` opens for the app's lifetime.

    The composition root (``app.asgi``) passes ``app.wiring.open_services``. ``MONGODB_URL`` must point
    at a running server: ``tutor serve`` starts the embedded one first.
    """
    if not settings.mongodb_url:
        raise RuntimeError("MONGODB_URL is not set; start the service with `tutor serve`")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with services(settings) as (core, extensions):
            app.state.services = core
            app.state.extensions = extensions
            app.state.settings = settings
            yield

    configure_logging(settings.log_format)
    configure_tracing("tutor-api")
    app = Litestar(
        route_handlers=[
            AuthController,
            AccountController,
            CourseController,
            OversightController,
            CourseContentController,
            EnrollmentController,
            ProgressController,
            MaterialController,
            QuestionDraftController,
            ChatController,
            AIController,
            LtiController,
            LtiApiController,
            healthz,
            readyz,
            metrics,
            *extra_handlers,
            web_router(),
        ],
        dependencies=DEPENDENCIES,
        # First, so request bodies are documented by pydantic's own JSON schema (see api.schemas.request_docs).
        plugins=[RequestModelSchemaPlugin(), PydanticPlugin(validate_strict=True)],
        request_class=TutorRequest,
        logging_config=None,  # tutor.logs configures logging (JSON or text lines); Litestar adds no handler
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
    document_errors(app)
    # Outermost layer, around routing too: request id, security headers and 5xx logging on every response.
    app.asgi_handler = RequestIdMiddleware(app.asgi_handler)
    return app
