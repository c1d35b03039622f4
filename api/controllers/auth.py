"""``/api/auth``: register, login, refresh, logout, password change, me."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post

from api.schemas.convert import typed
from api.schemas.users import TokensOut, UserOut
from tutor.container import Services
from tutor.schemas.account import AccountDeleteIn
from tutor.schemas.users import LoginIn, LogoutIn, PasswordChangeIn, ProfileUpdate, RefreshIn, RegisterIn
from tutor.services.principal import Principal


def client_address(request: Request[Any, Any, Any]) -> str | None:
    """The caller's address as the ASGI server reports it (behind a proxy, set uvicorn's forwarded-allow-ips)."""
    return request.client.host if request.client else None


class AuthController(Controller):
    """Accounts and tokens."""

    path = "/api/auth"
    tags = ["auth"]

    @post("/register/", status_code=201, summary="Create a student account")
    async def register(self, data: RegisterIn, services: Services) -> UserOut:
        """Self-registration (students; instructors only when the setting allows).

        The password must have at least 10 characters and not be a common password (400 otherwise).
        """
        return typed(await services.auth.register(data), UserOut)

    @post("/login/", status_code=200, summary="Log in and get tokens")
    async def login(self, data: LoginIn, services: Services, request: Request[Any, Any, Any]) -> TokensOut:
        """Exchange email and password for an access and a refresh token.

        After 5 failed attempts in 15 minutes on one account or from one address: 429 with Retry-After.
        """
        return typed(await services.auth.login(data, client_address(request)), TokensOut)

    @post("/refresh/", status_code=200, summary="Refresh tokens (rotating)")
    async def refresh(self, data: RefreshIn, services: Services) -> TokensOut:
        """Exchange the current refresh token for a new pair; the presented one is spent.

        Presenting a spent refresh token again ends the whole session (401).
        """
        return typed(await services.auth.refresh(data.refresh_token), TokensOut)

    @post("/logout/", status_code=204, summary="End a session")
    async def logout(self, data: LogoutIn, services: Services) -> None:
        """Revoke the session of the refresh token: none of its refresh tokens works any more."""
        await services.auth.logout(data.refresh_token)

    @post("/password/", status_code=204, summary="Change the caller's password")
    async def change_password(
        self, data: PasswordChangeIn, services: Services, principal: Principal, request: Request[Any, Any, Any]
    ) -> None:
        """Check the current password, set the new one and end every session of the account."""
        await services.auth.change_password(principal, data, client_address(request))

    @get("/me/", summary="The caller's account")
    async def me(self, services: Services, principal: Principal) -> UserOut:
        """The authenticated user."""
        return typed(await services.auth.me(principal), UserOut)

    @patch("/me/", summary="Update the caller's profile")
    async def update_me(self, data: ProfileUpdate, services: Services, principal: Principal) -> UserOut:
        """Change one's own profile fields."""
        return typed(await services.auth.update_me(principal, data), UserOut)

    @delete("/me/", summary="Delete the caller's account")
    async def delete_me(self, data: AccountDeleteIn, services: Services, principal: Principal) -> None:
        """Delete the account and every personal record after checking ``password`` (403 when wrong).

        Sessions end and the email can register again. An instructor who still teaches courses gets
        409: transfer or delete them first. Quiz attempts are kept anonymised for course statistics.
        """
        await services.account.delete(principal, data.password)
