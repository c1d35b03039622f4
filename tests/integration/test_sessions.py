"""Sessions and passwords over real HTTP: rotation, reuse detection, logout, password change,
login throttling in the real Redis, the password policy, and ``tutor create-user`` reading stdin."""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import uuid

import httpx
import jwt
import pytest
import redis.asyncio as aioredis

from app import cli
from app.embedded.process import free_port
from tests.servers import serve
from tutor.settings import Settings

pytestmark = pytest.mark.asyncio

DEFAULT_LIMIT = 5  # what the issue asks for; the settings' defaults must match it


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/api/auth/refresh/", json={"refresh_token": token})


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/login/", json={"email": email, "password": password})


def new_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


# Rotation, reuse, logout


async def test_every_refresh_rotates_and_spends_the_presented_token(client, factory):
    student = await factory.student()
    first = token = student["tokens"]["refresh_token"]
    for _ in range(3):
        response = await refresh(client, token)
        assert response.status_code == 200, response.text
        pair = response.json()
        assert pair["refresh_token"] != token
        assert (await client.get("/api/auth/me/", headers=bearer(pair["access_token"]))).status_code == 200
        token = pair["refresh_token"]
    assert (await refresh(client, first)).status_code == 401  # spent three rotations ago


async def test_reusing_a_spent_refresh_token_revokes_its_whole_family_only(client, factory):
    student = await factory.student()
    other_session = (await factory.login(student["email"], student["password"]))["tokens"]
    spent = student["tokens"]["refresh_token"]
    newer = (await refresh(client, spent)).json()["refresh_token"]

    reuse = await refresh(client, spent)
    assert reuse.status_code == 401
    assert "already used" in reuse.json()["detail"]
    assert (await refresh(client, newer)).status_code == 401  # the newer token died with its family
    # Another login of the same user is another family and keeps working.
    assert (await refresh(client, other_session["refresh_token"])).status_code == 200


async def test_refresh_token_id_is_checked(client, factory, settings):
    student = await factory.student()
    token = student["tokens"]["refresh_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert "fam" in claims
    # Correctly signed, same session, but a token id the session never issued: refused, session ended.
    forged = jwt.encode({**claims, "jti": uuid.uuid4().hex}, settings.jwt.secret, algorithm="HS256")
    assert (await refresh(client, forged)).status_code == 401
    assert (await refresh(client, token)).status_code == 401
    # A refresh token from before sessions were tracked (no family) is refused too.
    legacy = jwt.encode({k: v for k, v in claims.items() if k != "fam"}, settings.jwt.secret, algorithm="HS256")
    assert (await refresh(client, legacy)).status_code == 401


async def test_logout_ends_the_session(client, factory):
    student = await factory.student()
    token = student["tokens"]["refresh_token"]
    newer = (await refresh(client, token)).json()["refresh_token"]
    response = await client.post("/api/auth/logout/", json={"refresh_token": newer})  # no bearer needed
    assert response.status_code == 204
    assert response.content == b""
    assert (await refresh(client, newer)).status_code == 401
    again = await client.post("/api/auth/logout/", json={"refresh_token": newer})
    assert again.status_code == 204  # idempotent
    bogus = await client.post("/api/auth/logout/", json={"refresh_token": "not-a-token-at-all"})
    assert bogus.status_code == 401
    access_as_refresh = await client.post(
        "/api/auth/logout/", json={"refresh_token": student["tokens"]["access_token"]}
    )
    assert access_as_refresh.status_code == 401


# Password change


async def test_password_change_ends_every_session_and_older_access_tokens(client, factory):
    student = await factory.student()
    second = (await factory.login(student["email"], student["password"]))["tokens"]
    old_access = student["tokens"]["access_token"]
    new_password = "a brand new passphrase"
    body = {"current_password": student["password"], "new_password": new_password}
    response = await client.post("/api/auth/password/", json=body, headers=student["headers"])
    assert response.status_code == 204, response.text

    for access in (old_access, second["access_token"]):
        assert (await client.get("/api/auth/me/", headers=bearer(access))).status_code == 401
    for refresh_token in (student["tokens"]["refresh_token"], second["refresh_token"]):
        assert (await refresh(client, refresh_token)).status_code == 401
    assert (await login(client, student["email"], student["password"])).status_code == 401
    fresh = await login(client, student["email"], new_password)
    assert fresh.status_code == 200
    tokens = fresh.json()
    assert (await client.get("/api/auth/me/", headers=bearer(tokens["access_token"]))).status_code == 200
    assert (await refresh(client, tokens["refresh_token"])).status_code == 200


async def test_password_change_checks_the_current_password_and_the_policy(client, factory):
    student = await factory.student()
    wrong = {"current_password": "not my password", "new_password": "a brand new passphrase"}
    response = await client.post("/api/auth/password/", json=wrong, headers=student["headers"])
    assert response.status_code == 400
    assert response.json()["detail"] == "current password is incorrect"
    cases = {
        "short pw": "at least 10 characters",
        "Basketball": "too common",
        student["password"]: "must differ",
    }
    for new_password, message in cases.items():
        body = {"current_password": student["password"], "new_password": new_password}
        response = await client.post("/api/auth/password/", json=body, headers=student["headers"])
        assert response.status_code == 400, new_password
        assert message in response.json()["detail"]
    # Nothing changed: the session still works and the old password still logs in.
    assert (await client.get("/api/auth/me/", headers=student["headers"])).status_code == 200
    assert (await login(client, student["email"], student["password"])).status_code == 200
    anonymous = await client.post("/api/auth/password/", json=wrong)
    assert anonymous.status_code == 401


# Throttling


async def test_login_is_throttled_per_account_after_five_failures(client, factory):
    assert Settings.model_fields["login_max_failures"].default == DEFAULT_LIMIT
    student = await factory.student()
    for _ in range(DEFAULT_LIMIT):
        assert (await login(client, student["email"], "wrong password")).status_code == 401
    blocked = await login(client, student["email"], student["password"])  # even the right password
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 15 * 60
    assert blocked.json()["error"] == "rate_limited"
    # Another account from the same address is not affected (the test settings lift the address limit).
    other = await factory.student()
    assert (await login(client, other["email"], other["password"])).status_code == 200


async def test_a_successful_login_resets_the_account_counter(client, factory):
    student = await factory.student()
    for _ in range(DEFAULT_LIMIT - 1):
        assert (await login(client, student["email"], "wrong password")).status_code == 401
    assert (await login(client, student["email"], student["password"])).status_code == 200
    for _ in range(DEFAULT_LIMIT - 1):
        assert (await login(client, student["email"], "wrong password")).status_code == 401
    assert (await login(client, student["email"], student["password"])).status_code == 200
    # The counter started again from zero: it takes five more failures to block the account.
    for _ in range(DEFAULT_LIMIT):
        assert (await login(client, student["email"], "wrong password")).status_code == 401
    assert (await login(client, student["email"], student["password"])).status_code == 429


async def test_unknown_emails_are_throttled_like_known_ones(client):
    email = new_email("ghost")
    for _ in range(DEFAULT_LIMIT):
        assert (await login(client, email, "whatever it is")).status_code == 401
    assert (await login(client, email, "whatever it is")).status_code == 429


async def test_wrong_current_passwords_count_against_the_account(client, factory):
    student = await factory.student()
    wrong = {"current_password": "not my password", "new_password": "a brand new passphrase"}
    for _ in range(DEFAULT_LIMIT):
        response = await client.post("/api/auth/password/", json=wrong, headers=student["headers"])
        assert response.status_code == 400
    blocked = await client.post("/api/auth/password/", json=wrong, headers=student["headers"])
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert (await login(client, student["email"], student["password"])).status_code == 429


@pytest.fixture(scope="module")
def default_limits_app(settings):
    """The API with the shipped login limits (the session's app lifts the per-address one)."""
    from app.asgi import create_app

    assert Settings.model_fields["login_address_max_failures"].default == DEFAULT_LIMIT
    shipped = settings.model_copy(update={"login_address_max_failures": DEFAULT_LIMIT})
    with serve(create_app(shipped)) as server:
        yield server.url


async def test_login_is_throttled_per_client_address(default_limits_app, factory, settings):
    redis = aioredis.from_url(settings.redis_url or "")
    address_key = "login:address:127.0.0.1"  # every test client connects from loopback
    await redis.delete(address_key)
    try:
        async with httpx.AsyncClient(base_url=default_limits_app, timeout=60) as http:
            for _ in range(DEFAULT_LIMIT):  # five different accounts, one failure each
                assert (await login(http, new_email("spray"), "guess-guess-guess")).status_code == 401
            student = await factory.student()
            blocked = await login(http, student["email"], student["password"])
            assert blocked.status_code == 429
            assert 1 <= int(blocked.headers["Retry-After"]) <= 15 * 60
    finally:
        await redis.delete(address_key)
        await redis.aclose()


@pytest.fixture(scope="module")
def redisless_app(settings):
    """The API with Redis unreachable."""
    from app.asgi import create_app

    broken = settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{free_port()}/0", "login_address_max_failures": DEFAULT_LIMIT}
    )
    with serve(create_app(broken)) as server:
        yield server.url


async def test_logins_fail_open_without_redis(redisless_app, factory, caplog):
    student = await factory.student()
    caplog.set_level(logging.WARNING, logger="tutor.services.login_throttle")
    async with httpx.AsyncClient(base_url=redisless_app, timeout=60) as http:
        for _ in range(DEFAULT_LIMIT + 2):
            assert (await login(http, student["email"], "wrong password")).status_code == 401
        assert (await login(http, student["email"], student["password"])).status_code == 200
    assert any("Redis unavailable" in record.getMessage() for record in caplog.records)


# Password policy


async def test_registration_applies_the_password_policy(client):
    cases = {"nine char": "at least 10 characters", "1234567890": "too common", "QwertyUiop": "too common"}
    for password, message in cases.items():
        body = {"email": new_email("policy"), "password": password, "full_name": "P"}
        response = await client.post("/api/auth/register/", json=body)
        assert response.status_code == 400, password
        assert message in response.json()["detail"]
        assert response.json()["extra"]["field"] == "password"
    ok = {"email": new_email("policy"), "password": "ten chars!", "full_name": "P"}
    assert (await client.post("/api/auth/register/", json=ok)).status_code == 201


async def test_create_user_reads_the_password_from_stdin_and_applies_the_policy(cli_env, client, capsys, monkeypatch):
    def run(email: str, stdin: str, *extra: str) -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return cli.main(["create-user", "--email", email, "--name", "Prof", "--role", "instructor", *extra])

    refused = {"too short": "at least 10 characters", "1q2w3e4r5t": "too common"}
    for password, message in refused.items():
        email = new_email("cli")
        assert await asyncio.to_thread(run, email, password + "\n", "--password-stdin") == 2
        assert message in capsys.readouterr().err
        assert (await login(client, email, password)).status_code == 401  # nothing was created

    email = new_email("cli")
    assert await asyncio.to_thread(run, email, "a good long passphrase\n", "--password-stdin") == 0
    assert "created instructor" in capsys.readouterr().out
    response = await login(client, email, "a good long passphrase")
    assert response.status_code == 200
    assert response.json()["user"]["role"] == "instructor"
    # Taken email: a clear message, no traceback.
    assert await asyncio.to_thread(run, email, "a good long passphrase\n", "--password-stdin") == 1
    assert "already exists" in capsys.readouterr().err


async def test_create_user_refuses_a_password_on_the_command_line(cli_env):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["create-user", "--email", new_email("argv"), "--name", "X", "--password", "a good long passphrase"])
    assert exit_info.value.code == 2


async def test_create_user_prompts_twice_and_refuses_a_mismatch(cli_env, capsys, monkeypatch):
    answers = iter(["a good long passphrase", "a good long passphrasE"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["create-user", "--email", new_email("prompt"), "--name", "X"]) == 2
    assert "differ" in capsys.readouterr().err
