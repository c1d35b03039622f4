"""Validate a launch's ``id_token`` as the IMS Security Framework 1.0 and LTI Core 1.3 require.

Checked: the RS256 signature against the platform's key named by ``kid``; ``iss`` is the registered
platform; ``aud`` holds our ``client_id`` (and ``azp`` is it when ``aud`` lists several); ``exp``
and ``iat`` (with a little clock leeway); ``nonce`` is the one issued with the login's ``state``;
the ``deployment_id`` is registered; ``message_type`` is one we handle; ``version`` is 1.3.0; and
the claims each message type requires are there. Every failure is an :class:`Unauthorized` (401)
or :class:`InvalidInput` (400) naming what was wrong.
"""

from __future__ import annotations

import time
from typing import Any

import jwt

from tutor.db import Document
from tutor.errors import InvalidInput, Unauthorized
from tutor.lti import claims as c
from tutor.lti.platform_keys import PlatformKeys

LEEWAY_S = 60
MAX_AGE_S = 3600  # an id_token issued longer ago than this is refused even if its exp is later


async def validate_id_token(token: str, platform: Document, nonce: str, keys: PlatformKeys) -> dict[str, Any]:
    """The verified claims of ``token``; raises on anything the specifications do not allow."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise InvalidInput(f"id_token is not a JWT: {exc}") from exc
    if header.get("alg") != "RS256":
        raise Unauthorized(f"id_token must be signed with RS256, not {header.get('alg')!r}")
    key = await keys.key(platform["jwks_url"], header.get("kid"))
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=platform["client_id"],
            issuer=platform["issuer"],
            leeway=LEEWAY_S,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("id_token has expired") from exc
    except jwt.InvalidAudienceError as exc:
        raise Unauthorized(f"id_token is not meant for this tool (aud is not {platform['client_id']!r})") from exc
    except jwt.InvalidIssuerError as exc:
        raise Unauthorized("id_token comes from another issuer than the login named") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise InvalidInput(f"id_token lacks the {exc.claim!r} claim") from exc
    except jwt.InvalidSignatureError as exc:
        raise Unauthorized("id_token signature does not verify with the platform's key") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"id_token is not valid: {exc}") from exc
    _check(payload, platform, nonce)
    return payload


def _check(payload: dict[str, Any], platform: Document, nonce: str) -> None:
    audience = payload["aud"]
    if isinstance(audience, list) and len(audience) > 1 and payload.get("azp") != platform["client_id"]:
        raise Unauthorized("id_token lists several audiences but its azp is not this tool")
    if "azp" in payload and payload["azp"] != platform["client_id"]:
        raise Unauthorized("id_token azp is not this tool's client_id")
    if not isinstance(payload.get("iat"), int | float) or time.time() - payload["iat"] > MAX_AGE_S + LEEWAY_S:
        raise Unauthorized("id_token was issued too long ago (iat)")
    if payload["nonce"] != nonce:
        raise Unauthorized("id_token nonce does not match the login (replayed or forged)")
    deployment = payload.get(c.DEPLOYMENT_ID)
    if not deployment:
        raise InvalidInput(f"id_token lacks the {c.DEPLOYMENT_ID} claim")
    if deployment not in platform.get("deployment_ids", []):
        raise Unauthorized(f"deployment {deployment!r} is not registered for this platform")
    if payload.get(c.VERSION) != c.LTI_VERSION:
        raise InvalidInput(f"LTI version must be {c.LTI_VERSION}, not {payload.get(c.VERSION)!r}")
    kind = payload.get(c.MESSAGE_TYPE)
    if kind not in c.MESSAGE_TYPES:
        raise InvalidInput(f"message type {kind!r} is not supported (only {', '.join(c.MESSAGE_TYPES)})")
    if not isinstance(payload.get(c.ROLES), list):
        raise InvalidInput(f"id_token lacks the {c.ROLES} claim")
    if not str(payload.get("sub") or "").strip():
        raise InvalidInput("id_token has an empty sub (anonymous launches are not supported)")
    if kind == c.RESOURCE_LINK_REQUEST:
        link = payload.get(c.RESOURCE_LINK)
        if not isinstance(link, dict) or not link.get("id"):
            raise InvalidInput(f"a resource-link launch needs the {c.RESOURCE_LINK} claim with an id")
        if not payload.get(c.TARGET_LINK_URI):
            raise InvalidInput(f"id_token lacks the {c.TARGET_LINK_URI} claim")
    else:
        settings = payload.get(c.DEEP_LINKING_SETTINGS)
        if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
            raise InvalidInput(f"a deep-linking launch needs {c.DEEP_LINKING_SETTINGS} with a deep_link_return_url")
