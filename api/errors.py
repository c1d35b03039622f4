"""The one place where errors become HTTP responses. No stack trace or internal message leaks."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from pydantic import ValidationError
from pymongo.errors import ConnectionFailure, DocumentTooLarge

from api.request_context import current_request_id, mark_failure_logged
from tutor import errors

log = logging.getLogger("tutor.api")

STATUS: dict[type[errors.DomainError], int] = {
    errors.InvalidInput: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.TooLarge: 413,
    errors.UnsupportedMedia: 415,
    errors.RateLimited: 429,
    errors.Unavailable: 503,
}


def error_body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The JSON shape of every error response; ``request_id`` matches the ``X-Request-ID`` header and the logs."""
    body: dict[str, Any] = {"status_code": status, "error": code, "detail": message}
    if details:
        body["extra"] = details
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    return body


def log_server_error(request: Request[Any, Any, Any], status: int, exc: BaseException) -> None:
    """Log a response >= 500 with its traceback and the request id (once per request)."""
    log.error(
        "%s %s answered %d request_id=%s",
        request.method,
        request.url.path,
        status,
        current_request_id() or "-",
        exc_info=exc,
    )
    mark_failure_logged()


def domain_error_handler(request: Request[Any, Any, Any], exc: errors.DomainError) -> Response[Any]:
    """Map a service's domain error to its status."""
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    if status >= 500:
        log_server_error(request, status, exc)
    headers = {}
    if isinstance(exc, errors.RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, errors.Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    return Response(
        error_body(status, exc.code, exc.message, exc.details or None),
        status_code=status,
        headers=headers,
        media_type=MediaType.JSON,
    )


def pydantic_error_handler(_: Request[Any, Any, Any], exc: ValidationError) -> Response[Any]:
    """A model validated inside a controller failed: 400 with field errors, no input echoed."""
    details = [{"loc": list(e["loc"]), "message": e["msg"]} for e in exc.errors(include_input=False, include_url=False)]
    return Response(error_body(400, "invalid_input", "request is invalid", details), status_code=400)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Framework errors (404 route, 405, malformed JSON, body validation) in the same shape."""
    status = exc.status_code
    if status >= 500:
        log_server_error(request, status, exc)
    code = "invalid_input" if isinstance(exc, ValidationException) else _code_for(status)
    extra = exc.extra if isinstance(exc.extra, list | dict) and status < 500 else None
    message = exc.detail if status < 500 else "internal error"
    return Response(error_body(status, code, message, extra), status_code=status, headers=exc.headers or {})


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Anything unexpected: log it with its trace and the request id, answer a bare 500."""
    log_server_error(request, HTTP_500_INTERNAL_SERVER_ERROR, exc)
    return Response(error_body(500, "internal_error", "internal error"), status_code=HTTP_500_INTERNAL_SERVER_ERROR)


def document_too_large_handler(_: Request[Any, Any, Any], exc: DocumentTooLarge) -> Response[Any]:
    """A write over MongoDB's 16 MiB document limit that no repository translated: 413, not a 500."""
    log.warning("document over the database's size limit: %s", exc)
    message = "the record is too large to store (the database's limit is 16 MiB per document)"
    return Response(error_body(413, "too_large", message), status_code=413)


def database_unavailable_handler(request: Request[Any, Any, Any], exc: ConnectionFailure) -> Response[Any]:
    """The database cannot be reached (down, restarting, failing over): 503 with ``Retry-After``, logged."""
    log_server_error(request, 503, exc)
    return Response(
        error_body(503, "unavailable", "the database is unavailable right now; try again shortly"),
        status_code=503,
        headers={"Retry-After": "5"},
        media_type=MediaType.JSON,
    )


def _code_for(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        415: "unsupported_media_type",
        429: "rate_limited",
    }.get(status, "error")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    errors.DomainError: domain_error_handler,
    ValidationError: pydantic_error_handler,
    HTTPException: http_error_handler,
    DocumentTooLarge: document_too_large_handler,
    ConnectionFailure: database_unavailable_handler,
    Exception: internal_error_handler,
}
