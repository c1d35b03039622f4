"""``/api/auth/me/export/``: everything the service stores about the caller.

Deleting the account (``DELETE /api/auth/me/``) sits in :class:`api.controllers.auth.AuthController`
beside ``GET``/``PATCH /api/auth/me/``: Litestar wants every method of one path in one controller.
"""

from __future__ import annotations

from litestar import Controller, get

from api.schemas.account import ExportOut
from api.schemas.convert import typed
from tutor.container import Services
from tutor.services.principal import Principal


class AccountController(Controller):
    """The caller's own data."""

    path = "/api/auth/me/export"
    tags = ["auth"]

    @get("/", summary="Export the caller's data")
    async def export(self, services: Services, principal: Principal) -> ExportOut:
        """JSON with ``user`` (no password hash), ``enrollments`` (removed courses included),
        ``progress``, ``quiz_attempts``, ``threads`` (with messages), ``recommendations``,
        ``recommendation_feedback`` and ``recommendation_interactions``."""
        return typed(await services.account.export(principal), ExportOut)
