"""The browser's steps of an LTI launch (the platform itself is the ``registered`` fixture of this folder's conftest)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.fakes.lti_platform import FakePlatform


async def login(client: httpx.AsyncClient, platform: FakePlatform, hint: str, message: str = "") -> dict[str, str]:
    """Login initiation at the tool, then the platform's authorization: the form the platform would post."""
    params = {
        "iss": platform.issuer, "login_hint": hint, "target_link_uri": platform.tool_launch_url,
        "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id,
    }  # fmt: skip
    if message:
        params["lti_message_hint"] = message
    started = await client.get("/lti/login/", params=params)
    assert started.status_code == 302, started.text
    location = started.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["redirect_uri"] == [platform.tool_launch_url] and query["prompt"] == ["none"]
    assert query["login_hint"] == [hint] and query["nonce"][0] and query["state"][0]
    async with httpx.AsyncClient() as lms:
        answer = await lms.get(location)
    assert answer.status_code == 200, answer.text
    return {**answer.json(), "nonce": query["nonce"][0]}


async def launch(client: httpx.AsyncClient, id_token: str, state: str) -> httpx.Response:
    return await client.post("/lti/launch/", data={"id_token": id_token, "state": state})


async def exchange(client: httpx.AsyncClient, response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/lti/app/#/lti/") and "token" not in location
    code = location.rsplit("/", 1)[-1]
    tokens = await client.post("/api/auth/lti/exchange/", json={"code": code})
    assert tokens.status_code == 200, tokens.text
    again = await client.post("/api/auth/lti/exchange/", json={"code": code})
    assert again.status_code == 401  # a code works once
    return dict(tokens.json())
