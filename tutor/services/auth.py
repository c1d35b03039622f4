"""Registration, login (throttled), sessions, password change and the caller's own profile."""

from __future__ import annotations

import asyncio
from typing import Any

from tutor.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from tutor.repositories.credentials import CredentialRepository
from tutor.repositories.users import UserRepository
from tutor.schemas.common import new_id, utcnow
from tutor.schemas.users import LoginIn, PasswordChangeIn, ProfileUpdate, RegisterIn
from tutor.security.password_policy import check_password
from tutor.security.passwords import hash_password, verify_password
from tutor.services.login_throttle import LoginThrottle
from tutor.services.principal import Principal
from tutor.services.sessions import IssuedTokens, SessionService
from tutor.services.views import user_view


class AuthService:
    """Accounts, credentials and sessions.

    ``throttle`` counts failed logins in Redis; the API process sets it (the CLI logs nobody in).
    Argon2 runs in a worker thread so that hashing never stalls the event loop.
    """

    def __init__(
        self,
        users: UserRepository,
        credentials: CredentialRepository,
        sessions: SessionService,
        *,
        allow_instructor_signup: bool,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self.users = users
        self.credentials = credentials
        self.sessions = sessions
        self.allow_instructor_signup = allow_instructor_signup
        self.throttle = throttle

    async def register(self, data: RegisterIn) -> dict[str, Any]:
        """Create a student account (an instructor only when the setting allows it)."""
        role = data.role or "student"
        if role == "instructor" and not self.allow_instructor_signup:
            raise Forbidden("instructor accounts are created by an administrator")
        return await self.create_user(
            email=data.email,
            password=data.password,
            full_name=data.full_name,
            role=role,
            profile=data.model_dump(exclude={"email", "password", "full_name", "role"}, exclude_none=True),
        )

    async def create_user(
        self, *, email: str, password: str, full_name: str, role: str, profile: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Create a user of any role (the CLI's path for instructors); the password policy applies."""
        check_password(password)
        now = utcnow()
        doc = {
            "_id": new_id(),
            "email": email.strip().lower(),
            "password_hash": await asyncio.to_thread(hash_password, password),
            "role": role,
            "profile": {
                "full_name": full_name,
                "avatar": None,
                "career_goals": [],
                "skill_level": "beginner",
                "preferred_learning_style": "mixed",
                **(profile or {}),
            },
            "created_at": now,
            "updated_at": now,
        }
        await self.users.insert(doc, conflict_message="an account with this email already exists")
        return user_view(doc)

    async def login(self, data: LoginIn, address: str | None = None) -> dict[str, Any]:
        """Check credentials (unless throttled) and open a session; ``address`` is the client's."""
        email = data.email.strip().lower()
        if self.throttle is not None:
            await self.throttle.check(email, address)
        user = await self.users.by_email(email)
        valid = await asyncio.to_thread(verify_password, data.password, user["password_hash"] if user else None)
        if not valid or user is None:
            if self.throttle is not None:
                await self.throttle.failed(email, address)
            raise Unauthorized("invalid email or password")
        if self.throttle is not None:
            await self.throttle.succeeded(email)
        return self._tokens_view(await self.sessions.start(user))

    async def open_session(self, user_id: str) -> dict[str, Any]:
        """A new session for an account whose identity was proven elsewhere (an LTI launch)."""
        user = await self.users.get(user_id)
        if user is None:
            raise Unauthorized("account no longer exists")
        return self._tokens_view(await self.sessions.start(user))

    async def refresh(self, refresh_token: str) -> dict[str, Any]:
        """Rotate: exchange the session's current refresh token for a new pair."""
        return self._tokens_view(await self.sessions.refresh(refresh_token))

    async def logout(self, refresh_token: str) -> None:
        """End the session the refresh token belongs to."""
        await self.sessions.logout(refresh_token)

    async def change_password(self, principal: Principal, data: PasswordChangeIn, address: str | None = None) -> None:
        """Check the current password, apply the policy, store the new one and end every session."""
        user = await self.users.get(principal.user_id)
        if user is None:
            raise NotFound("account not found")
        if self.throttle is not None:
            await self.throttle.check(user["email"], address)
        if not await asyncio.to_thread(verify_password, data.current_password, user["password_hash"]):
            if self.throttle is not None:
                await self.throttle.failed(user["email"], address)
            raise InvalidInput("current password is incorrect", details={"field": "current_password"})
        check_password(data.new_password)
        if data.new_password == data.current_password:
            raise InvalidInput(
                "new password must differ from the current one", details={"field": "new_password", "rule": "unchanged"}
            )
        await self.credentials.set_password(user["_id"], await asyncio.to_thread(hash_password, data.new_password))
        await self.sessions.revoke_all(user["_id"], "password_change")
        if self.throttle is not None:
            await self.throttle.succeeded(user["email"])

    async def me(self, principal: Principal) -> dict[str, Any]:
        """The caller's own account."""
        user = await self.users.get(principal.user_id)
        if user is None:
            raise NotFound("account not found")
        return user_view(user)

    async def update_me(self, principal: Principal, data: ProfileUpdate) -> dict[str, Any]:
        """Update the caller's own profile fields."""
        fields = data.model_dump(exclude_unset=True)
        user = await self.users.update_profile(principal.user_id, fields)
        self.sessions.account_changed(principal.user_id)  # the name a session check brings
        if user is None:
            raise NotFound("account not found")
        return user_view(user)

    def _tokens_view(self, issued: IssuedTokens) -> dict[str, Any]:
        return {
            "access_token": issued.access_token,
            "refresh_token": issued.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.sessions.tokens.access_ttl_s,
            "user": user_view(issued.user),
        }
