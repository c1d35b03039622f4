"""Fixtures of the integration tests in this folder: an LMS platform on loopback, registered with the tool."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.lti_platform import FakePlatform, served_platform


@pytest.fixture
def lms_platform(settings) -> Iterator[FakePlatform]:
    with served_platform("lms-", f"{settings.base_url}/lti/launch/") as fake:
        yield fake


@pytest.fixture
async def registered(lms_platform: FakePlatform, services, api_server: str) -> FakePlatform:
    platform = lms_platform
    platform.tool_jwks_url = f"{api_server}/lti/jwks/"
    await services.lti_platforms.add(
        issuer=platform.issuer, client_id=platform.client_id, deployment_id=platform.deployment_id,
        auth_login_url=f"{platform.url}/auth", auth_token_url=f"{platform.url}/token",
        # One key-set URL per fake platform: a later platform on a reused port is a different key set, which
        # the tool's per-URL key cache (refetched at most every 10 s) must not take for the earlier one.
        jwks_url=f"{platform.url}/jwks?platform={platform.client_id}", name="Test LMS",
    )  # fmt: skip
    return platform
