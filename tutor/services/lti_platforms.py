"""LTI platform registrations (the ``tutor lti`` commands): add, list, remove."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tutor.db import Document
from tutor.errors import InvalidInput, NotFound
from tutor.lti.urls import is_secure, origin
from tutor.repositories.lti import LtiPlatformRepository
from tutor.schemas.common import new_id, utcnow


def _url(name: str, value: str) -> str:
    if not origin(value) or not is_secure(value):
        raise InvalidInput(f"{name} must be an https URL (http only on localhost), not {value!r}")
    return value.strip()


def frame_origins(doc: Document) -> list[str]:
    """The origins whose pages may frame the tool and receive its forms for this platform: those registered,
    or else the origins of its issuer and authorization endpoint."""
    given = doc.get("frame_origins")
    if given:
        return list(given)
    return list(dict.fromkeys(o for o in (origin(doc.get("issuer", "")), origin(doc["auth_login_url"])) if o))


def _origins(values: Iterable[str]) -> list[str]:
    found = []
    for value in values:
        if not origin(value) or not is_secure(value):
            raise InvalidInput(f"--frame-origin must be an https origin (http only on localhost), not {value!r}")
        found.append(origin(value))
    return list(dict.fromkeys(found))


def platform_view(doc: Document) -> dict[str, Any]:
    """A registration as the CLI prints it."""
    keys = ("issuer", "client_id", "deployment_ids", "auth_login_url", "auth_token_url", "jwks_url", "name")
    return {"id": doc["_id"], **{k: doc.get(k) for k in keys}, "frame_origins": frame_origins(doc)}


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
        frame_origins: Iterable[str] = (),
    ) -> dict[str, Any]:
        """Register a platform; for one already registered, add the deployment and update its URLs.

        ``frame_origins`` are the LMS sites whose pages frame the tool (Canvas serves courses from the
        school's own domain, not from its issuer); without them, the issuer's and login URL's origins.
        """
        if not issuer.strip() or not client_id.strip() or not deployment_id.strip():
            raise InvalidInput("issuer, client id and deployment id must not be empty")
        fields: dict[str, Any] = {
            "auth_login_url": _url("--auth-login-url", auth_login_url),
            "auth_token_url": _url("--auth-token-url", auth_token_url),
            "jwks_url": _url("--jwks-url", jwks_url),
            "name": (name or "").strip() or issuer.strip(),
            "updated_at": utcnow(),
        }
        if origins := _origins(frame_origins):
            fields["frame_origins"] = origins
        same_issuer = await self.platforms.of_issuer(issuer.strip())
        other_keys = {p["jwks_url"] for p in same_issuer if p["client_id"] != client_id.strip()} - {fields["jwks_url"]}
        if other_keys:
            # One issuer signs with one key set: a second set would let whoever serves it speak for the issuer.
            raise InvalidInput(f"{issuer.strip()!r} is registered with the key set {sorted(other_keys)[0]}; use that")
        found = [p for p in same_issuer if p["client_id"] == client_id.strip()]
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
