"""Registration, login, token refresh and the caller's own profile."""

from __future__ import annotations

from typing import Any

from tutor.errors import Forbidden, NotFound, Unauthorized
from tutor.models.common import new_id, utcnow
from tutor.models.users import LoginIn, ProfileUpdate, RegisterIn
from tutor.repositories.users import UserRepository
from tutor.security.passwords import hash_password, verify_password
from tutor.security.tokens import TokenService
from tutor.services.principal import Principal
from tutor.services.views import user_view


class AuthService:
    """Accounts and tokens."""

    def __init__(self, users: UserRepository, tokens: TokenService, *, allow_instructor_signup: bool) -> None:
        self.users = users
        self.tokens = tokens
        self.allow_instructor_signup = allow_instructor_signup

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
        """Create a user of any role (the CLI's path for instructors)."""
        now = utcnow()
        doc = {
            "_id": new_id(),
            "email": email.strip().lower(),
            "password_hash": hash_password(password),
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

    async def login(self, data: LoginIn) -> dict[str, Any]:
        """Check credentials and issue a token pair."""
        user = await self.users.by_email(data.email.strip().lower())
        if not verify_password(data.password, user["password_hash"] if user else None) or user is None:
            raise Unauthorized("invalid email or password")
        return self._token_pair(user)

    async def refresh(self, refresh_token: str) -> dict[str, Any]:
        """Exchange a valid refresh token for a new token pair."""
        claims = self.tokens.verify(refresh_token, "refresh")
        user = await self.users.get(claims.user_id)
        if user is None:
            raise Unauthorized("account no longer exists")
        return self._token_pair(user)

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
        if user is None:
            raise NotFound("account not found")
        return user_view(user)

    def _token_pair(self, user: dict[str, Any]) -> dict[str, Any]:
        return {
            "access_token": self.tokens.issue(user["_id"], user["role"], "access"),
            "refresh_token": self.tokens.issue(user["_id"], user["role"], "refresh"),
            "token_type": "Bearer",
            "expires_in": self.tokens.access_ttl_s,
            "user": user_view(user),
        }
