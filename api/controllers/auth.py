"""``/api/auth``: register, login, refresh, me."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, patch, post

from tutor.container import Services
from tutor.models.users import LoginIn, ProfileUpdate, RefreshIn, RegisterIn
from tutor.services.principal import Principal


class AuthController(Controller):
    """Accounts and tokens."""

    path = "/api/auth"
    tags = ["auth"]

    @post("/register/", status_code=201, summary="Create a student account")
    async def register(self, data: RegisterIn, services: Services) -> dict[str, Any]:
        """Self-registration (students; instructors only when the setting allows)."""
        return await services.auth.register(data)

    @post("/login/", status_code=200, summary="Log in and get tokens")
    async def login(self, data: LoginIn, services: Services) -> dict[str, Any]:
        """Exchange email and password for an access and a refresh token."""
        return await services.auth.login(data)

    @post("/refresh/", status_code=200, summary="Refresh tokens")
    async def refresh(self, data: RefreshIn, services: Services) -> dict[str, Any]:
        """Exchange a refresh token for a new token pair."""
        return await services.auth.refresh(data.refresh_token)

    @get("/me/", summary="The caller's account")
    async def me(self, services: Services, principal: Principal) -> dict[str, Any]:
        """The authenticated user."""
        return await services.auth.me(principal)

    @patch("/me/", summary="Update the caller's profile")
    async def update_me(self, data: ProfileUpdate, services: Services, principal: Principal) -> dict[str, Any]:
        """Change one's own profile fields."""
        return await services.auth.update_me(principal, data)
