"""Bearer-token authentication middleware and role guards."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import Scope

from tutor.errors import Unauthorized
from tutor.services.principal import Principal

# Everything outside /api/ (web app, health, OpenAPI) is public, and so are the token routes.
PUBLIC_PATHS = [
    "^/api/auth/(register|login|refresh|logout|lti/exchange)",
    "^/$",
    "^/(healthz|readyz|metrics)$",  # /metrics checks its own caller (loopback or METRICS_TOKEN)
    "^/schema",
    "^/(?!api/)[^/]+/",  # /schema/..., /css/..., /js/...
    "^/[^/]+\\.[A-Za-z0-9]+$",  # /index.html, /favicon.ico
]


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    """Verifies ``Authorization: Bearer <access token>`` and sets ``request.user`` to a Principal."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        """Authenticate one request."""
        header = _authorization(connection.scope)
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("missing bearer token")
        sessions = connection.app.state.services.sessions
        try:
            # Signature, expiry and type, then the user's session version (a password change revokes);
            # only a request that changes nothing may take the account as checked a moment ago.
            read_only = connection.scope.get("method") in ("GET", "HEAD")
            claims, principal = await sessions.authenticate_principal(token.strip(), read_only=read_only)
        except Unauthorized as exc:
            raise NotAuthorizedException(exc.message) from exc
        return AuthenticationResult(user=principal, auth=claims)


def _authorization(scope: Scope) -> str:
    """The first ``Authorization`` header, read from the raw headers (no header map built for it)."""
    for name, value in scope["headers"]:
        if name.lower() == b"authorization":
            return value.decode("latin-1")
    return ""


def is_preflight(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Whether this is an OPTIONS request, which the middleware above does not authenticate.

    Litestar answers OPTIONS with a handler that inherits its controller's guards, so every guard must
    let OPTIONS through (it reveals only the allowed methods), or it reads an unset ``connection.user``.
    """
    return connection.scope.get("method") == "OPTIONS"


def instructor_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: the caller must be an instructor (OPTIONS passes, see :func:`is_preflight`)."""
    if is_preflight(connection):
        return
    if not isinstance(connection.user, Principal) or not connection.user.is_instructor:
        raise PermissionDeniedException("instructors only")
