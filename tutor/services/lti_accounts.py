"""Accounts of LMS users: one per platform issuer and ``sub``, created the first time the LMS names them."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from tutor.db import Document
from tutor.lti import claims as c
from tutor.repositories.lti import LtiIdentityRepository, digest
from tutor.repositories.users import UserRepository
from tutor.services.auth import AuthService


class LtiAccounts:
    """Maps ``(issuer, sub)`` to an account, creating it (with an unknown random password) on first sight."""

    def __init__(self, identities: LtiIdentityRepository, users: UserRepository, auth: AuthService) -> None:
        self.identities = identities
        self.users = users
        self.auth = auth

    async def account(self, issuer: str, sub: str, roles: Iterable[str], name: str, email: str) -> Document:
        """The account of the LMS user, created when the LMS names them for the first time.

        A teaching role of the context makes a new account an instructor, anything else a student.
        An e-mail the platform asserts is no proof of owning an existing account here, so a taken one is
        not reused: the new account gets an address of its own under ``lti.invalid``.
        """
        user_id = await self.identities.user_of(issuer, sub)
        if user_id is not None:
            user = await self.users.get(user_id)
            if user is not None:
                return user
        email = email.strip().lower()
        if not email or "@" not in email or await self.users.by_email(email) is not None:
            email = f"lti-{digest(issuer, sub)[:20]}@lti.invalid"
        view = await self.auth.create_user(
            email=email,
            password=secrets.token_urlsafe(32),
            full_name=name.strip() or "LMS user",
            role="instructor" if c.teaches(roles) else "student",
        )
        await self.identities.link(issuer, sub, view["id"])
        user = await self.users.get(view["id"])
        assert user is not None
        return user
