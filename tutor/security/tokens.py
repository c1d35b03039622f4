"""JWT access and refresh tokens (PyJWT, HS256 pinned, issuer and audience checked).

Besides the registered claims, a token carries ``sv``, the user's session version when it was
issued (a password change bumps it, so older tokens stop working), and a refresh token carries
``fam``, the id of its session (refresh-token family) kept in Mongo by the session service.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Literal

import jwt

from tutor.errors import Unauthorized
from tutor.settings import JWTSettings

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]
VERIFIED_CACHE = 4096
"""Tokens whose signature and claims were checked, remembered so a client's next request skips the
HMAC and JSON work (a third of a catalogue request's CPU); only their expiry is checked again."""


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """The claims the service relies on."""

    user_id: str
    role: str
    token_type: TokenType
    jti: str
    expires_at: int
    session_version: int = 0
    family: str | None = None


class TokenService:
    """Issues and verifies tokens."""

    def __init__(self, settings: JWTSettings) -> None:
        if not settings.secret:
            raise ValueError("a JWT secret is required")
        self._settings = settings
        self._secret: str = settings.secret
        self._verified: dict[str, TokenClaims] = {}  # exact token string -> its claims (insertion order)
        self._lock = threading.Lock()

    @property
    def access_ttl_s(self) -> int:
        """Access-token lifetime in seconds."""
        return self._settings.access_ttl_s

    @property
    def refresh_ttl_s(self) -> int:
        """Refresh-token lifetime in seconds."""
        return self._settings.refresh_ttl_s

    def issue(
        self,
        user_id: str,
        role: str,
        token_type: TokenType,
        *,
        session_version: int = 0,
        family: str | None = None,
        jti: str | None = None,
    ) -> str:
        """Sign a new token of ``token_type`` for the user.

        Args:
            user_id: The subject.
            role: The user's role.
            token_type: ``access`` or ``refresh``.
            session_version: The user's session version (``sv``).
            family: The session a refresh token belongs to (``fam``).
            jti: The token id; a random one when omitted.
        """
        now = int(time.time())
        ttl = self._settings.access_ttl_s if token_type == "access" else self._settings.refresh_ttl_s
        claims: dict[str, object] = {
            "sub": user_id,
            "role": role,
            "typ": token_type,
            "iss": self._settings.issuer,
            "aud": self._settings.audience,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": jti or uuid.uuid4().hex,
            "sv": session_version,
        }
        if family is not None:
            claims["fam"] = family
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str, expected_type: TokenType) -> TokenClaims:
        """Decode and validate ``token``; raise :class:`Unauthorized` on any defect.

        A token verified before (the exact same string, so the same signature) is answered from
        memory; its expiry and type are checked again every time.
        """
        known = self._verified.get(token)
        if known is not None:
            if known.expires_at <= time.time():
                with self._lock:
                    self._verified.pop(token, None)
                raise Unauthorized("token expired")
            return _of_type(known, expected_type)
        claims = self._decode(token, expected_type)
        with self._lock:
            if len(self._verified) >= VERIFIED_CACHE:
                self._verified.pop(next(iter(self._verified)))  # the oldest entry
            self._verified[token] = claims
        return claims

    def _decode(self, token: str, expected_type: TokenType) -> TokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud", "jti"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("token expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid token") from exc
        if claims.get("typ") not in ("access", "refresh"):
            raise Unauthorized(f"expected an {expected_type} token")
        if not isinstance(claims.get("sub"), str) or claims.get("role") not in ("student", "instructor"):
            raise Unauthorized("invalid token")
        version = claims.get("sv", 0)  # tokens signed before session versions existed carry none
        family = claims.get("fam")
        if not isinstance(version, int) or isinstance(version, bool) or not isinstance(family, str | None):
            raise Unauthorized("invalid token")
        return _of_type(
            TokenClaims(
                user_id=claims["sub"],
                role=claims["role"],
                token_type=claims["typ"],
                jti=str(claims["jti"]),
                expires_at=int(claims["exp"]),
                session_version=version,
                family=family,
            ),
            expected_type,
        )


def _of_type(claims: TokenClaims, expected_type: TokenType) -> TokenClaims:
    if claims.token_type != expected_type:
        raise Unauthorized(f"expected an {expected_type} token")
    return claims
