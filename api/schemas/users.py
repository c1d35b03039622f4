"""Accounts and tokens: ``/api/auth/...``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from msgspec import UNSET, Struct, UnsetType


class ProfileOut(Struct, kw_only=True):
    """A user's profile; every field may be cleared (``null``) by ``PATCH /api/auth/me/``."""

    full_name: str | UnsetType | None = UNSET
    avatar: str | UnsetType | None = UNSET
    career_goals: list[str] | UnsetType | None = UNSET
    skill_level: Literal["beginner", "intermediate", "advanced"] | UnsetType | None = UNSET
    preferred_learning_style: Literal["visual", "auditory", "reading", "kinesthetic", "mixed"] | UnsetType | None = (
        UNSET
    )


class UserOut(Struct, kw_only=True):
    """A user as the API shows it (never a password hash)."""

    id: str
    email: str
    role: Literal["student", "instructor"]
    profile: ProfileOut
    created_at: datetime | None
    updated_at: datetime | None


class TokensOut(Struct, kw_only=True):
    """A session's token pair: send ``access_token`` as ``Authorization: Bearer``; refresh before it expires."""

    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    user: UserOut
