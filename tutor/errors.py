"""Domain errors, grouped by who must act. ``api/`` maps each to one HTTP status in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose; its message is safe to show a client."""

    code = "error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidInput(DomainError):
    """The client sent something the service cannot accept (400)."""

    code = "invalid_input"


class Unauthorized(DomainError):
    """Missing, invalid or expired credentials (401)."""

    code = "unauthorized"


class Forbidden(DomainError):
    """Authenticated, but not allowed to do this (403)."""

    code = "forbidden"


class NotFound(DomainError):
    """The resource does not exist or is not visible to the caller (404)."""

    code = "not_found"


class Conflict(DomainError):
    """The request conflicts with the current state (409)."""

    code = "conflict"


class TooLarge(DomainError):
    """The payload exceeds a configured limit (413)."""

    code = "too_large"


class UnsupportedMedia(DomainError):
    """The payload's type is not supported (415)."""

    code = "unsupported_media_type"


class RateLimited(DomainError):
    """Too many requests; retry after ``retry_after`` seconds (429)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A dependency (database, worker, model) is unavailable (503)."""

    code = "unavailable"
