"""A verified token is remembered by its exact string; expiry and type are still checked on every use."""

from __future__ import annotations

import time

import jwt
import pytest

import tutor.security.tokens as tokens
from tutor.errors import Unauthorized
from tutor.security.tokens import TokenService
from tutor.settings import JWTSettings


def test_a_verified_token_skips_decoding_but_not_its_expiry_or_type(monkeypatch: pytest.MonkeyPatch) -> None:
    service = TokenService(JWTSettings(secret="s" * 40, access_ttl_s=60))
    token = service.issue("u1", "student", "access", session_version=3)
    first = service.verify(token, "access")
    decoded: list[str] = []
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: decoded.append("x"))  # would break a real decode
    assert service.verify(token, "access") == first and first.session_version == 3 and not decoded
    with pytest.raises(Unauthorized, match="expected an refresh token"):
        service.verify(token, "refresh")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    with pytest.raises(Unauthorized, match="token expired"):
        service.verify(token, "access")


def test_a_tampered_token_is_a_different_string_and_is_decoded_and_refused() -> None:
    service = TokenService(JWTSettings(secret="s" * 40))
    token = service.issue("u1", "student", "access")
    service.verify(token, "access")
    head, body, signature = token.split(".")
    forged = ".".join((head, body, ("A" if signature[0] != "A" else "B") + signature[1:]))
    with pytest.raises(Unauthorized, match="invalid token"):
        service.verify(forged, "access")
    other = TokenService(JWTSettings(secret="t" * 40))  # each service remembers only what it verified itself
    with pytest.raises(Unauthorized, match="invalid token"):
        other.verify(token, "access")


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "VERIFIED_CACHE", 3)
    service = TokenService(JWTSettings(secret="s" * 40))
    for n in range(5):
        service.verify(service.issue(f"u{n}", "student", "access"), "access")
    assert len(service._verified) == 3
