"""Every operation's error answers in the OpenAPI schema: the one body shape ``api.errors`` gives them all.

Litestar documents what a handler declares; errors come from services through the one mapping in
``api.errors``, so they are documented here, in one pass over the built schema: the ``Error`` body,
the statuses an operation can answer by its shape (401 wherever credentials or a token are read, 403
on a secured path, 404 on a path with an id, 429 on chat, login and feedback on recommendations), and
``default`` for any other error (409, 413, 415, 500, 503, ...). A generated client then knows the body
of every answer, and schemathesis checks error bodies too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from litestar import Litestar
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Reference, Schema

from api.auth import PUBLIC_PATHS

ERROR_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["status_code", "error", "detail"],
    properties={
        "status_code": Schema(type=OpenAPIType.INTEGER, description="The HTTP status, repeated."),
        "error": Schema(type=OpenAPIType.STRING, description="Machine-readable code, e.g. not_found, rate_limited."),
        "detail": Schema(type=OpenAPIType.STRING, description="What went wrong, for a person."),
        "extra": Schema(description="Field errors or other details, when there are any."),
        "request_id": Schema(type=OpenAPIType.STRING, description="Same as the X-Request-ID header and the logs."),
    },
    description="The body of every error answer.",
)
_THROTTLED = re.compile(r"^/api/(chat/|auth/login|ai/recommendations/feedback)")
_METHODS = ("get", "post", "put", "patch", "delete")


def _statuses(path: str) -> Iterator[tuple[str, str]]:
    if path.startswith("/api/") and not path.startswith("/api/auth/register"):
        yield "401", "Missing, invalid or expired credentials or token."
    if not any(re.match(pattern, path) for pattern in PUBLIC_PATHS):
        yield "403", "The caller's role or ownership does not allow this."
    if "{" in path:
        yield "404", "No such record, or not one the caller may see."
    if _THROTTLED.match(path):
        yield "429", "Too many requests; Retry-After says when to try again."
    yield "default", "Any other error (409 conflict, 413 too large, 415 unsupported file, 5xx, ...)."


def document_errors(app: Litestar) -> None:
    """Add the ``Error`` component and each operation's error answers to ``app``'s OpenAPI schema."""
    openapi = app.openapi_schema
    if openapi.components.schemas is None:
        openapi.components.schemas = {}
    openapi.components.schemas["Error"] = ERROR_SCHEMA
    body = {"application/json": OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Error"))}
    for path, item in (openapi.paths or {}).items():
        for method in _METHODS:
            operation = getattr(item, method, None)
            if operation is None:
                continue
            responses = dict(operation.responses or {})
            for status, description in _statuses(path):
                responses.setdefault(status, OpenAPIResponse(description=description, content=body))
            operation.responses = responses
