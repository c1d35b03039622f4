"""JWT access and refresh tokens (PyJWT, HS256 pinned, issuer and audience checked)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Literal

import jwt

from tutor.errors import Unauthorized
from tutor.settings import JWTSettings

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """The claims the service relies on."""

    user_id: str
    role: str
    token_type: TokenType
    jti: str
    expires_at: int


class TokenService:
    """Issues and verifies tokens."""

    def __init__(self, settings: JWTSettings) -> None:
        if not settings.secret:
            raise ValueError("a JWT secret is required")
        self._settings = settings
        self._secret: str = settings.secret

    @property
    def access_ttl_s(self) -> int:
        """Access-token lifetime in seconds."""
        return self._settings.access_ttl_s

    def issue(self, user_id: str, role: str, token_type: TokenType) -> str:
        """Sign a new token of ``token_type`` for the user."""
        now = int(time.time())
        ttl = self._settings.access_ttl_s if token_type == "access" else self._settings.refresh_ttl_s
        claims = {
            "sub": user_id,
            "role": role,
            "typ": token_type,
            "iss": self._settings.issuer,
            "aud": self._settings.audience,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str, expected_type: TokenType) -> TokenClaims:
        """Decode and validate ``token``; raise :class:`Unauthorized` on any defect."""
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
        if claims.get("typ") != expected_type:
            raise Unauthorized(f"expected an {expected_type} token")
        if not isinstance(claims.get("sub"), str) or claims.get("role") not in ("student", "instructor"):
            raise Unauthorized("invalid token")
        return TokenClaims(
            user_id=claims["sub"],
            role=claims["role"],
            token_type=expected_type,
            jti=str(claims["jti"]),
            expires_at=int(claims["exp"]),
        )
