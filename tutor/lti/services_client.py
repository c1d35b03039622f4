"""Calls to a platform's LTI Advantage services: OAuth 2 tokens (RFC 7523 client assertion), AGS scores,
NRPS memberships.

A token is asked for with the client-credentials grant and a JWT assertion signed by the tool's key
(``iss`` = ``sub`` = the client id, ``aud`` = the token URL); it is cached per platform and scope set
until shortly before it expires.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from tutor.db import Document
from tutor.lti.keys import LazyToolKeys
from tutor.lti.urls import is_secure

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
EXPIRY_MARGIN_S = 60
MAX_PAGES = 200


class ServiceError(Exception):
    """A platform service call failed; ``retriable`` when trying again later may work (network, 429, 5xx)."""

    def __init__(self, message: str, retriable: bool) -> None:
        super().__init__(message)
        self.retriable = retriable


class PlatformServices:
    """Tokens, scores and memberships of the registered platforms."""

    def __init__(self, keys: LazyToolKeys, timeout_s: float = 10.0) -> None:
        self.keys = keys
        self.timeout_s = timeout_s
        self._tokens: dict[tuple[str, str], tuple[str, float]] = {}

    async def token(self, platform: Document, scopes: list[str]) -> str:
        """An access token for ``scopes`` (cached until shortly before it expires)."""
        scope = " ".join(sorted(scopes))
        cached = self._tokens.get((platform["_id"], scope))
        if cached is not None and cached[1] > time.time():
            return cached[0]
        now = int(time.time())
        assertion = self.keys.get().sign({
            "iss": platform["client_id"], "sub": platform["client_id"], "aud": platform["auth_token_url"],
            "iat": now, "exp": now + 300, "jti": secrets.token_hex(16),
        })  # fmt: skip
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": scope,
        }
        body = await self._call("POST", platform["auth_token_url"], data=form)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise ServiceError("the platform's token endpoint answered no access_token", retriable=False)
        lifetime = float(body.get("expires_in") or 3600)
        self._tokens[platform["_id"], scope] = (token, time.time() + max(0.0, lifetime - EXPIRY_MARGIN_S))
        return token

    async def post_score(self, platform: Document, lineitem: str, score: dict[str, Any], scopes: list[str]) -> None:
        """POST ``score`` to the line item's ``/scores`` endpoint."""
        token = await self.token(platform, scopes)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE}
        await self._call("POST", scores_url(lineitem), json=score, headers=headers)

    async def memberships(self, platform: Document, url: str, scopes: list[str]) -> list[dict[str, Any]]:
        """Every member of a context, following ``Link: rel="next"`` pages."""
        token = await self.token(platform, scopes)
        headers = {"Authorization": f"Bearer {token}", "Accept": MEMBERSHIP_TYPE}
        members: list[dict[str, Any]] = []
        next_url: str | None = url
        for _ in range(MAX_PAGES):
            if next_url is None:
                break
            response = await self._send("GET", next_url, headers=headers)
            try:
                page = response.json()
            except ValueError as exc:
                raise ServiceError(f"GET {next_url} answered no JSON membership page", retriable=False) from exc
            members += [m for m in page.get("members", []) if isinstance(m, dict)] if isinstance(page, dict) else []
            link = response.links.get("next")
            next_url = link.get("url") if link else None
        return members

    async def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        response = await self._send(method, url, **kwargs)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            return {}

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if not is_secure(url):
            raise ServiceError(f"refusing to send a token to {url}: platform services must use https", False)
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as client:
                response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise ServiceError(f"{method} {url} failed: {type(exc).__name__}", retriable=True) from exc
        if response.status_code >= 400:
            retriable = response.status_code == 429 or response.status_code >= 500
            # The status only: a platform's error body may echo tokens or personal data into logs and pages.
            raise ServiceError(f"{method} {url} answered {response.status_code}", retriable)
        return response


def scores_url(lineitem: str) -> str:
    """The scores endpoint of a line item (``.../lineitems/1?type=x`` → ``.../lineitems/1/scores?type=x``)."""
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))
