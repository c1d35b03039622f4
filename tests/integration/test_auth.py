"""Auth flows over real HTTP against the real Mongo-wire server."""

from __future__ import annotations

import time

import jwt
import pytest

pytestmark = pytest.mark.asyncio


async def test_register_login_me_refresh(client, factory):
    student = await factory.student(career_goals=["data analyst"])
    tokens = student["tokens"]
    assert tokens["token_type"] == "Bearer"
    assert tokens["user"]["role"] == "student"
    assert "password_hash" not in tokens["user"]
    me = await client.get("/api/auth/me/", headers=student["headers"])
    assert me.status_code == 200
    assert me.json()["profile"]["career_goals"] == ["data analyst"]
    refreshed = await client.post("/api/auth/refresh/", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    again = await client.get("/api/auth/me/", headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"})
    assert again.status_code == 200


async def test_duplicate_email_and_wrong_password(client, factory):
    student = await factory.student()
    dup = await client.post(
        "/api/auth/register/",
        json={"email": student["email"].upper(), "password": "another password", "full_name": "X"},
    )
    assert dup.status_code == 409
    bad = await client.post("/api/auth/login/", json={"email": student["email"], "password": "wrong password"})
    assert bad.status_code == 401
    unknown = await client.post("/api/auth/login/", json={"email": "nobody@example.com", "password": "whatever1"})
    assert unknown.status_code == 401
    assert bad.json()["detail"] == unknown.json()["detail"]


@pytest.mark.parametrize(
    "extra",
    [
        {"role": "instructor"},
        {"_id": "abc"},
        {"id": "abc"},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"password_hash": "x"},
    ],
)
async def test_privileged_fields_cannot_be_set_on_register(client, extra):
    body = {"email": f"p{time.time_ns()}@example.com", "password": "long enough pw", "full_name": "P", **extra}
    response = await client.post("/api/auth/register/", json=body)
    assert response.status_code in (400, 403), response.text
    login = await client.post("/api/auth/login/", json={"email": body["email"], "password": body["password"]})
    assert login.status_code == 401  # nothing was created


async def test_profile_update_cannot_change_role(client, factory):
    student = await factory.student()
    response = await client.patch("/api/auth/me/", json={"role": "instructor"}, headers=student["headers"])
    assert response.status_code == 400
    ok = await client.patch("/api/auth/me/", json={"skill_level": "advanced"}, headers=student["headers"])
    assert ok.status_code == 200
    assert ok.json()["role"] == "student"
    assert ok.json()["profile"]["skill_level"] == "advanced"


async def test_operator_injection_rejected(client):
    response = await client.post("/api/auth/login/", json={"email": {"$gt": ""}, "password": {"$ne": None}})
    assert response.status_code == 400
    register = await client.post(
        "/api/auth/register/", json={"email": {"$gt": ""}, "password": "x" * 10, "full_name": "a"}
    )
    assert register.status_code == 400


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"email": "a@b.co"}', b'{"email": "a@b.co", "password": 5}', b""],
)
async def test_malformed_login_bodies(client, body):
    response = await client.post("/api/auth/login/", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert "Traceback" not in response.text


async def test_token_tampering_expiry_and_alg_none(client, factory, settings):
    student = await factory.student()
    token = student["tokens"]["access_token"]
    cases = {}
    header, payload, signature = token.split(".")
    cases["tampered"] = f"{header}.{payload}.{signature[:-2]}AA"
    claims = jwt.decode(token, options={"verify_signature": False})
    cases["alg_none"] = jwt.encode({**claims, "role": "instructor"}, key="", algorithm="none")
    cases["wrong_secret"] = jwt.encode(claims, "another-secret-" + "y" * 40, algorithm="HS256")
    cases["expired"] = jwt.encode({**claims, "exp": int(time.time()) - 10}, settings.jwt.secret, algorithm="HS256")
    cases["wrong_audience"] = jwt.encode({**claims, "aud": "someone-else"}, settings.jwt.secret, algorithm="HS256")
    cases["wrong_issuer"] = jwt.encode({**claims, "iss": "evil"}, settings.jwt.secret, algorithm="HS256")
    cases["refresh_as_access"] = student["tokens"]["refresh_token"]
    for name, bad in cases.items():
        response = await client.get("/api/auth/me/", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, name
    missing = await client.get("/api/auth/me/")
    assert missing.status_code == 401
    access_as_refresh = await client.post("/api/auth/refresh/", json={"refresh_token": token})
    assert access_as_refresh.status_code == 401


async def test_instructor_self_signup_is_off_by_default(client):
    body = {
        "email": f"t{time.time_ns()}@example.com",
        "password": "long enough pw",
        "full_name": "T",
        "role": "instructor",
    }
    response = await client.post("/api/auth/register/", json=body)
    assert response.status_code == 403


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["mongodb"] is True
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert "/api/courses/enroll/" in schema.json()["paths"] or "/api/courses/enroll" in schema.json()["paths"]


async def test_web_app_is_public_but_the_api_is_not(client):
    page = await client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    for path in ("/api/courses/", "/api", "/api/", "/api/progress/"):
        assert (await client.get(path)).status_code in (401, 404), path
    assert (await client.get("/api/courses/")).status_code == 401
    # The web app is a Python package (so installs ship it); its module is not one of its pages.
    for path in ("/__init__.py", "/__pycache__/__init__.cpython-311.pyc", "/js/app.js.py"):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/js/app.js")).status_code == 200
