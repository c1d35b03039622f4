"""LTI platform registrations (the ``tutor lti`` commands): add, list, remove."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tutor.db import Document
from tutor.errors import InvalidInput, NotFound
from tutor.repositories.lti import LtiPlatformRepository
from tutor.schemas.common import new_id, utcnow


def _url(name: str, value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(f"{name} must be an http(s) URL, not {value!r}")
    return value.strip()


def platform_view(doc: Document) -> dict[str, Any]:
    """A registration as the CLI prints it."""
    keys = ("issuer", "client_id", "deployment_ids", "auth_login_url", "auth_token_url", "jwks_url", "name")
    return {"id": doc["_id"], **{k: doc.get(k) for k in keys}}


class LtiPlatformService:
    """Registers the LMS platforms (issuer + client id) and their deployments."""

    def __init__(self, platforms: LtiPlatformRepository) -> None:
        self.platforms = platforms

    async def add(
        self,
        *,
        issuer: str,
        client_id: str,
        deployment_id: str,
        auth_login_url: str,
        auth_token_url: str,
        jwks_url: str,
        name: str | None = None,
    ) -> dict[str, Any]:
        """Register a platform; for one already registered, add the deployment and update its URLs."""
        if not issuer.strip() or not client_id.strip() or not deployment_id.strip():
            raise InvalidInput("issuer, client id and deployment id must not be empty")
        fields = {
            "auth_login_url": _url("--auth-login-url", auth_login_url),
            "auth_token_url": _url("--auth-token-url", auth_token_url),
            "jwks_url": _url("--jwks-url", jwks_url),
            "name": (name or "").strip() or issuer.strip(),
            "updated_at": utcnow(),
        }
        found = await self.platforms.of_issuer(issuer.strip(), client_id.strip())
        if found:
            doc = found[0]
            deployments = list(dict.fromkeys([*doc.get("deployment_ids", []), deployment_id.strip()]))
            await self.platforms.update_fields(doc["_id"], {**fields, "deployment_ids": deployments})
            return platform_view({**doc, **fields, "deployment_ids": deployments})
        doc = {
            "_id": new_id(),
            "issuer": issuer.strip(),
            "client_id": client_id.strip(),
            "deployment_ids": [deployment_id.strip()],
            **fields,
            "created_at": utcnow(),
        }
        await self.platforms.insert(doc, conflict_message="this platform and client are already registered")
        return platform_view(doc)

    async def list(self) -> list[dict[str, Any]]:
        """Every registration."""
        return [platform_view(doc) for doc in await self.platforms.all()]

    async def remove(self, issuer: str, client_id: str) -> None:
        """Remove a registration (its launches stop working at once)."""
        if not await self.platforms.remove(issuer, client_id):
            raise NotFound(f"no platform {issuer!r} with client {client_id!r} is registered")
