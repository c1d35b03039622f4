"""Login sessions: token pairs, refresh-token rotation with reuse detection, revocation.

A session is a refresh-token family. Each refresh exchanges the family's current refresh token for
a new pair and spends the old one; presenting a spent token again means it was copied, so the whole
family is revoked. Access tokens carry the user's session version, which a password change bumps:
:meth:`SessionService.authenticate` then refuses every access token issued before the change.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from tutor.db import Document
from tutor.errors import Unauthorized
from tutor.repositories.credentials import CredentialRepository
from tutor.repositories.sessions import SessionRepository
from tutor.repositories.users import UserRepository
from tutor.schemas.common import utcnow
from tutor.security.tokens import TokenClaims, TokenService
from tutor.services.account_cache import AccountCache
from tutor.services.principal import Principal

log = logging.getLogger(__name__)

ENDED = "this session has ended: log in again"


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """A fresh token pair and the account it was issued to."""

    access_token: str
    refresh_token: str
    user: Document


class SessionService:
    """Issues, rotates, checks and revokes sessions."""

    def __init__(
        self,
        sessions: SessionRepository,
        credentials: CredentialRepository,
        users: UserRepository,
        tokens: TokenService,
        accounts: AccountCache | None = None,
    ) -> None:
        self.sessions = sessions
        self.credentials = credentials
        self.users = users
        self.tokens = tokens
        self.accounts = accounts or AccountCache(0.0)

    async def start(self, user: Document) -> IssuedTokens:
        """Open a new session for ``user`` (after a successful login)."""
        family, jti = uuid.uuid4().hex, uuid.uuid4().hex
        await self.sessions.start(family, user["_id"], jti, self._refresh_expiry())
        return self._issue(user, family, jti)

    async def refresh(self, refresh_token: str) -> IssuedTokens:
        """Exchange the current refresh token of a session for a new pair; a spent one revokes the session."""
        claims = self.tokens.verify(refresh_token, "refresh")
        if claims.family is None:  # signed before sessions were tracked
            raise Unauthorized(ENDED)
        new_jti = uuid.uuid4().hex
        session = await self.sessions.rotate(claims.family, claims.jti, new_jti, self._refresh_expiry())
        if session is None:
            await self._refuse(claims)
        user = await self.users.get(claims.user_id)
        if session["user_id"] != claims.user_id or user is None:
            await self.sessions.revoke(claims.family, "account")
            raise Unauthorized(ENDED)
        if int(user.get("session_version", 0)) != claims.session_version:
            await self.sessions.revoke(claims.family, "password_change")
            raise Unauthorized(ENDED)
        return self._issue(user, claims.family, new_jti)

    async def logout(self, refresh_token: str) -> None:
        """End the session of ``refresh_token`` (idempotent: an ended session stays ended)."""
        claims = self.tokens.verify(refresh_token, "refresh")
        if claims.family is not None:
            await self.sessions.revoke(claims.family, "logout")

    async def revoke_all(self, user_id: str, reason: str) -> int:
        """End every session of a user (password change, account removal); how many were live."""
        self.accounts.forget(user_id)
        return await self.sessions.revoke_user(user_id, reason)

    def account_changed(self, user_id: str) -> None:
        """The account's session fields, e-mail or name were just written (or it was deleted)."""
        self.accounts.forget(user_id)

    async def authenticate(self, access_token: str) -> TokenClaims:
        """Verify an access token and that its session version is still the user's current one."""
        claims, _ = await self.authenticate_principal(access_token)
        return claims

    async def authenticate_principal(self, access_token: str, read_only: bool = False) -> tuple[TokenClaims, Principal]:
        """:meth:`authenticate`, with the caller as a :class:`Principal` carrying its e-mail and name.

        The account read that checks the session version also brings the e-mail and display name,
        so a request that needs them (a chat turn) does not read the account again. A ``read_only``
        request may take the account from :attr:`accounts` (see :mod:`tutor.services.account_cache`).
        """
        claims = self.tokens.verify(access_token, "access")
        account = self.accounts.get(claims.user_id) if read_only else None
        if account is None:
            mark = self.accounts.mark()
            account = await self.credentials.session_account(claims.user_id)
            if account is not None:
                self.accounts.put(claims.user_id, account, mark)
        if account is None:
            raise Unauthorized("account no longer exists")
        if int(account.get("session_version", 0)) != claims.session_version:
            raise Unauthorized("session revoked: log in again")
        profile = account.get("profile")
        name = profile.get("full_name") if isinstance(profile, dict) else None
        principal = Principal(
            claims.user_id,
            claims.role,
            str(account.get("email") or ""),
            str(name or ""),
            int(account.get("learner_version") or 0),
        )
        return claims, principal

    async def _refuse(self, claims: TokenClaims) -> NoReturn:
        """Revoke the family when a live session was presented a token that is not its current one."""
        assert claims.family is not None
        session = await self.sessions.get(claims.family)
        if session is None or session["revoked_at"] is not None or session["current_jti"] == claims.jti:
            raise Unauthorized(ENDED)
        await self.sessions.revoke(claims.family, "reuse")
        log.warning("spent refresh token reused: session %s of user %s revoked", claims.family, claims.user_id)
        raise Unauthorized("refresh token already used: the session has been revoked, log in again")

    def _issue(self, user: Document, family: str, jti: str) -> IssuedTokens:
        version = int(user.get("session_version", 0))
        return IssuedTokens(
            access_token=self.tokens.issue(user["_id"], user["role"], "access", session_version=version),
            refresh_token=self.tokens.issue(
                user["_id"], user["role"], "refresh", session_version=version, family=family, jti=jti
            ),
            user=user,
        )

    def _refresh_expiry(self) -> datetime:
        return utcnow() + timedelta(seconds=self.tokens.refresh_ttl_s)
