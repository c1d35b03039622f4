"""Platform public keys, fetched from each platform's JWKS URL and cached by ``kid``.

A launch names its key by ``kid``. A known ``kid`` is answered from memory while the cached set is
younger than ``max_age_s`` (platforms rotate and withdraw keys, so an old set is read again); an
unknown one makes one fetch of the platform's key set, at most once per ``refetch_after_s`` per URL,
so a flood of tokens with made-up ``kid`` values cannot turn into a flood of fetches. Only RSA
signing keys are kept, and a key set larger than ``MAX_JWKS_BYTES`` is refused.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx
from jwt import PyJWK

from tutor.errors import Unauthorized, Unavailable
from tutor.lti.urls import is_secure

log = logging.getLogger(__name__)

MAX_JWKS_BYTES = 256 * 1024


class PlatformKeys:
    """``kid`` → key, per JWKS URL."""

    def __init__(self, timeout_s: float = 5.0, refetch_after_s: float = 10.0, max_age_s: float = 3600.0) -> None:
        self.timeout_s = timeout_s
        self.refetch_after_s = refetch_after_s
        self.max_age_s = max_age_s
        self._keys: dict[str, dict[str, PyJWK]] = {}
        self._fetched_at: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def key(self, jwks_url: str, kid: str | None) -> PyJWK:
        """The platform key ``kid`` (the only key when the token names none and the set holds one)."""
        found = self._find(jwks_url, kid) if self._fresh(jwks_url) else None
        if found is not None:
            return found
        async with self._locks.setdefault(jwks_url, asyncio.Lock()):
            found = self._find(jwks_url, kid) if self._fresh(jwks_url) else None
            last = self._fetched_at.get(jwks_url)
            if found is None and (last is None or time.monotonic() - last >= self.refetch_after_s):
                await self._refresh(jwks_url)
                found = self._find(jwks_url, kid)
        if found is None:
            raise Unauthorized(f"the platform's key set has no key {kid!r}" if kid else "the token names no key (kid)")
        return found

    def _fresh(self, jwks_url: str) -> bool:
        last = self._fetched_at.get(jwks_url)
        return last is not None and time.monotonic() - last < self.max_age_s

    def _find(self, jwks_url: str, kid: str | None) -> PyJWK | None:
        keys = self._keys.get(jwks_url, {})
        if kid is None:
            return next(iter(keys.values())) if len(keys) == 1 else None
        return keys.get(kid)

    async def _refresh(self, jwks_url: str) -> None:
        """Read the key set again; when that fails, a set read before stays in use until the next try."""
        try:
            self._keys[jwks_url] = await self._fetch(jwks_url)
        except Unavailable:
            if jwks_url not in self._keys:
                raise
            log.warning("the key set at %s could not be read again; the cached one stays in use", jwks_url)
        self._fetched_at[jwks_url] = time.monotonic()

    async def _fetch(self, jwks_url: str) -> dict[str, PyJWK]:
        if not is_secure(jwks_url):
            raise Unavailable(f"the platform's key set must be served over https, not from {jwks_url}")
        try:
            async with (
                httpx.AsyncClient(timeout=self.timeout_s) as client,
                client.stream("GET", jwks_url) as response,
            ):
                response.raise_for_status()
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_JWKS_BYTES:
                        raise Unavailable(f"the platform's key set at {jwks_url} is larger than {MAX_JWKS_BYTES} bytes")
            document: Any = json.loads(body)
        except (httpx.HTTPError, ValueError) as exc:
            raise Unavailable(f"the platform's key set at {jwks_url} could not be read: {type(exc).__name__}") from exc
        entries = document.get("keys", []) if isinstance(document, dict) else []
        return dict(filter(None, (_signing_key(entry) for entry in entries if isinstance(entry, dict))))


def _signing_key(entry: dict[str, Any]) -> tuple[str, PyJWK] | None:
    """``(kid, key)`` for an RSA signing key; None for anything else (encryption keys, other types, bad entries)."""
    if entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
        return None
    try:
        return str(entry.get("kid") or ""), PyJWK(entry, algorithm="RS256")
    except Exception:  # a malformed entry must not hide the platform's good keys
        log.warning("skipping a malformed key %r in a platform's key set", entry.get("kid"))
        return None
