"""Platform public keys, fetched from each platform's JWKS URL and cached by ``kid``.

A launch names its key by ``kid``. A known ``kid`` is answered from memory; an unknown one makes
one fetch of the platform's key set (platforms rotate keys), at most once per ``refetch_after_s``
per URL, so a flood of tokens with made-up ``kid`` values cannot turn into a flood of fetches.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWKError

from tutor.errors import Unauthorized, Unavailable


class PlatformKeys:
    """``kid`` → key, per JWKS URL."""

    def __init__(self, timeout_s: float = 5.0, refetch_after_s: float = 10.0) -> None:
        self.timeout_s = timeout_s
        self.refetch_after_s = refetch_after_s
        self._keys: dict[str, dict[str, PyJWK]] = {}
        self._fetched_at: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def key(self, jwks_url: str, kid: str | None) -> PyJWK:
        """The platform key ``kid`` (the only key when the token names none and the set holds one)."""
        found = self._find(jwks_url, kid)
        if found is not None:
            return found
        async with self._lock:
            found = self._find(jwks_url, kid)
            last = self._fetched_at.get(jwks_url)
            if found is None and (last is None or time.monotonic() - last >= self.refetch_after_s):
                self._keys[jwks_url] = await self._fetch(jwks_url)
                self._fetched_at[jwks_url] = time.monotonic()
                found = self._find(jwks_url, kid)
        if found is None:
            raise Unauthorized(f"the platform's key set has no key {kid!r}" if kid else "the token names no key (kid)")
        return found

    def _find(self, jwks_url: str, kid: str | None) -> PyJWK | None:
        keys = self._keys.get(jwks_url, {})
        if kid is None:
            return next(iter(keys.values())) if len(keys) == 1 else None
        return keys.get(kid)

    async def _fetch(self, jwks_url: str) -> dict[str, PyJWK]:
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as client:
                response = await client.get(jwks_url)
                response.raise_for_status()
                document: Any = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise Unavailable(f"the platform's key set at {jwks_url} could not be read: {exc}") from exc
        keys: dict[str, PyJWK] = {}
        for entry in document.get("keys", []) if isinstance(document, dict) else []:
            try:
                key = PyJWK(entry, algorithm=entry.get("alg") or "RS256")
            except PyJWKError:
                continue  # a key type we cannot use (e.g. an encryption key) is skipped
            keys[str(entry.get("kid") or "")] = key
        return keys
