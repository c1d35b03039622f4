"""What the tool trusts of a platform: registrations, platform key sets and calls to platform services."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar import Litestar, Response, get, post

from tests.servers import serve
from tutor.errors import InvalidInput, Unauthorized, Unavailable
from tutor.lti.keys import LazyToolKeys, ToolKeys, generate_pem
from tutor.lti.platform_keys import MAX_JWKS_BYTES, PlatformKeys
from tutor.lti.services_client import PlatformServices, ServiceError

pytestmark = pytest.mark.asyncio


def _registration(issuer: str, **overrides: Any) -> dict[str, Any]:
    fields = {
        "issuer": issuer, "client_id": "c1", "deployment_id": "d1",
        "auth_login_url": "https://sso.lms.example/authorize", "auth_token_url": "https://lms.example/token",
        "jwks_url": "https://lms.example/jwks",
    }  # fmt: skip
    return {**fields, **overrides}


async def test_registrations_use_https_and_name_the_sites_that_frame_the_tool(services):
    platforms = services.lti_platforms
    issuer = f"https://{uuid.uuid4().hex[:8]}.lms.example"
    with pytest.raises(InvalidInput, match="https"):
        await platforms.add(**_registration(issuer, jwks_url="http://lms.example/jwks"))
    with pytest.raises(InvalidInput, match="frame-origin"):
        await platforms.add(**_registration(issuer, frame_origins=["ftp://school.example"]))
    view = await platforms.add(**_registration(issuer))
    # By default, the issuer's and the login endpoint's origins.
    assert view["frame_origins"] == [issuer, "https://sso.lms.example"]
    view = await platforms.add(**_registration(issuer, frame_origins=["https://School.Example/courses/1"]))
    assert view["frame_origins"] == ["https://school.example"]
    # Loopback may use plain http (a platform on the same machine, or under test).
    local = await platforms.add(**_registration("http://127.0.0.1:9", jwks_url="http://127.0.0.1:9/jwks"))
    assert local["jwks_url"] == "http://127.0.0.1:9/jwks"
    # A second client of the same issuer cannot bring a key set of its own.
    with pytest.raises(InvalidInput, match="key set"):
        await platforms.add(**_registration(issuer, client_id="c2", jwks_url="https://attacker.example/jwks"))
    second = await platforms.add(**_registration(issuer, client_id="c2"))
    assert second["jwks_url"] == "https://lms.example/jwks"


class KeySet:
    """A platform's JWKS endpoint whose answer the test changes."""

    def __init__(self) -> None:
        self.document: Any = {"keys": []}
        self.status = 200
        self.fetches = 0

    def app(self) -> Litestar:
        served = self

        @get("/jwks", sync_to_thread=False)
        def jwks() -> Response[Any]:
            served.fetches += 1
            return Response(served.document, status_code=served.status)

        return Litestar([jwks])


def _jwk(keys: ToolKeys, **overrides: Any) -> dict[str, Any]:
    return {**keys.jwks()["keys"][0], **overrides}


async def test_only_rsa_signing_keys_are_taken_from_a_key_set():
    good, enc = ToolKeys(generate_pem()), ToolKeys(generate_pem())
    served = KeySet()
    served.document = {"keys": [
        {"kty": "EC", "kid": "ec-1", "crv": "P-256", "x": "AA", "y": "AA"},
        _jwk(enc, use="enc"),
        {"kty": "RSA", "kid": "bad-1", "n": 123, "e": "AQAB"},
        "not an object",
        _jwk(good),
    ]}  # fmt: skip
    with serve(served.app()) as server:
        keys = PlatformKeys(refetch_after_s=0)
        assert (await keys.key(f"{server.url}/jwks", good.kid)).key_id == good.kid
        for kid in ("ec-1", enc.kid, "bad-1"):
            with pytest.raises(Unauthorized):
                await keys.key(f"{server.url}/jwks", kid)


async def test_a_key_set_is_read_again_when_old_and_a_failed_read_keeps_the_last_one():
    first, second = ToolKeys(generate_pem()), ToolKeys(generate_pem())
    served = KeySet()
    served.document = {"keys": [_jwk(first)]}
    with serve(served.app()) as server:
        url = f"{server.url}/jwks"
        keys = PlatformKeys(refetch_after_s=0, max_age_s=0)
        await keys.key(url, first.kid)
        served.status = 503  # the platform is down: the set read before still verifies launches
        assert (await keys.key(url, first.kid)).key_id == first.kid
        served.status, served.document = 200, {"keys": [_jwk(second)]}  # the platform withdrew the first key
        with pytest.raises(Unauthorized):
            await keys.key(url, first.kid)
        assert (await keys.key(url, second.kid)).key_id == second.kid
        assert served.fetches == 4


async def test_an_oversized_or_plain_http_key_set_is_refused():
    served = KeySet()
    served.document = {"keys": [], "padding": "x" * (MAX_JWKS_BYTES + 1)}
    with serve(served.app()) as server, pytest.raises(Unavailable, match="larger"):
        await PlatformKeys().key(f"{server.url}/jwks", "k")
    with pytest.raises(Unavailable, match="https"):
        await PlatformKeys().key("http://lms.example/jwks", "k")


async def test_service_errors_name_the_status_not_the_body(tmp_path):
    @post("/token", sync_to_thread=False)
    def token() -> Response[str]:
        return Response("invalid_client for secret-assertion-abc", status_code=400)

    services = PlatformServices(LazyToolKeys(generate_pem(), None, tmp_path))
    with serve(Litestar([token])) as server:
        platform = {"_id": "p", "client_id": "c", "auth_token_url": f"{server.url}/token"}
        with pytest.raises(ServiceError) as failed:
            await services.token(platform, ["scope"])
    assert "400" in str(failed.value) and "secret" not in str(failed.value) and not failed.value.retriable
    with pytest.raises(ServiceError, match="https") as insecure:
        await services.token({**platform, "auth_token_url": "http://lms.example/token"}, ["scope"])
    assert not insecure.value.retriable
