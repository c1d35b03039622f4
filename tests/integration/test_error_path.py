"""One error path over real HTTP: request ids, logged server errors, security headers, no 5xx for bad input."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Response, get
from litestar.exceptions import ServiceUnavailableException
from litestar.response import ServerSentEvent, ServerSentEventMessage

from tests.conftest import sample_course_body
from tests.servers import serve
from tests.sse import sse_events
from tutor.errors import Unavailable

pytestmark = pytest.mark.asyncio

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@get("/test/boom", sync_to_thread=False)
def boom() -> None:
    raise RuntimeError("kaboom")


@get("/test/http-503")
async def http_503() -> None:
    raise ServiceUnavailableException("backend down")


@get("/test/domain-503")
async def domain_503() -> None:
    raise Unavailable("the model is away")


@get("/test/plain-503")
async def plain_503() -> Response[dict[str, str]]:
    return Response({"status": "down"}, status_code=503)


@get("/test/stream")
async def stream() -> ServerSentEvent:
    async def ticks() -> AsyncIterator[ServerSentEventMessage]:
        for n in range(3):
            yield ServerSentEventMessage(event="tick", data=json.dumps({"n": n}))
            await asyncio.sleep(0)

    return ServerSentEvent(ticks())


@pytest.fixture(scope="module")
def aux_app(settings):
    """The real app plus test-only routes that fail, with a body limit large enough for a 17 MiB course."""
    from app.asgi import create_app

    roomy = settings.model_copy(update={"max_upload_mb": 40})
    with serve(create_app(roomy, extra_handlers=[boom, http_503, domain_503, plain_503, stream])) as server:
        yield server.url


@pytest.fixture
async def aux(aux_app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=aux_app, timeout=120) as http:
        yield http


def _assert_hardened(response: httpx.Response) -> None:
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_every_response_carries_a_request_id_and_security_headers(client):
    for method, path in [
        ("GET", "/"),
        ("GET", "/js/app.js"),
        ("GET", "/css/app.css"),
        ("GET", "/healthz"),
        ("GET", "/api/auth/me/"),  # 401 without a token
        ("GET", "/api/nowhere/"),  # no route
        ("GET", "/schema/openapi.json"),
        ("OPTIONS", "/api/courses/"),
    ]:
        response = await client.request(method, path)
        assert GENERATED_ID.fullmatch(response.headers["x-request-id"]), path
        _assert_hardened(response)
        if response.status_code >= 400:
            assert response.json()["request_id"] == response.headers["x-request-id"], path
    docs = await client.get("/schema")
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    assert docs.headers["x-content-type-options"] == "nosniff"


async def test_a_sane_client_request_id_is_echoed_and_others_are_replaced(client):
    sane = "trace-7f.A_b-1"
    response = await client.get("/api/nowhere/", headers={"X-Request-ID": sane})
    assert response.headers["x-request-id"] == sane and response.json()["request_id"] == sane
    for insane in [b"has space", b"x" * 129, b"semi;colon", "ünï".encode()]:
        response = await client.get("/healthz", headers={"X-Request-ID": insane})
        assert GENERATED_ID.fullmatch(response.headers["x-request-id"]), insane


async def test_the_web_app_has_no_inline_script_or_style(client):
    page = (await client.get("/")).text
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == []
    assert re.search(r"\son[a-z]+\s*=", page) is None
    assert re.search(r"\sstyle\s*=|<style", page) is None


async def _logged(caplog, request_id: str) -> logging.LogRecord:
    """The one error record naming ``request_id`` (the middleware may log just after the response)."""
    for _ in range(200):
        found = [r for r in caplog.records if f"request_id={request_id}" in r.getMessage()]
        if found:
            assert len(found) == 1, [r.getMessage() for r in found]
            return found[0]
        await asyncio.sleep(0.025)
    raise AssertionError(f"nothing logged for request {request_id}")


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/test/boom", 500, RuntimeError),
        ("/test/http-503", 503, ServiceUnavailableException),
        ("/test/domain-503", 503, Unavailable),
        ("/test/plain-503", 503, None),
    ],
)
async def test_every_server_error_is_logged_with_its_request_id(aux, caplog, path, status, error):
    request_id = f"req-{path.rsplit('/', 1)[-1]}"
    with caplog.at_level(logging.INFO, logger="tutor.api"):
        response = await aux.get(path, headers={"X-Request-ID": request_id})
        record = await _logged(caplog, request_id)
    assert response.status_code == status
    assert response.headers["x-request-id"] == request_id
    assert record.levelno == logging.ERROR and str(status) in record.getMessage()
    if error is None:
        assert record.exc_info is None  # a handler's own 503: nothing raised, still logged
    else:
        assert record.exc_info is not None and record.exc_info[0] is error
        body = response.json()
        assert body["request_id"] == request_id
        assert "kaboom" not in response.text and "Traceback" not in response.text


async def test_streamed_responses_keep_streaming_with_headers(aux):
    async with aux.stream("GET", "/test/stream", headers={"X-Request-ID": "sse-1"}) as response:
        assert response.status_code == 200
        assert response.headers["x-request-id"] == "sse-1"
        assert response.headers["content-type"].startswith("text/event-stream")
        _assert_hardened(response)
        events = [item async for item in sse_events(response)]
    assert events == [("tick", {"n": 0}), ("tick", {"n": 1}), ("tick", {"n": 2})]


async def test_options_never_reaches_a_guard_on_any_route(client, factory):
    response = await client.options("/api/courses/0/modules")
    assert response.status_code == 204, response.text
    assert "POST" in response.headers["allow"]
    schema = (await client.get("/schema/openapi.json")).json()
    paths = [re.sub(r"\{[^}]+\}", "x1", path) for path in schema["paths"]]
    assert any("/modules/" in path for path in paths) and len(paths) > 20
    student = await factory.student()
    anonymous: dict[str, str] = {}
    for headers in (anonymous, student["headers"]):
        for path in [*paths, "/", "/js/app.js"]:
            response = await client.options(path, headers=headers)
            assert response.status_code < 500, (path, response.status_code, response.text)


@pytest.mark.parametrize("body", [b"[" * 5000, b'{"a":' * 5000, b'{"email": ' + b"[" * 65 + b"]" * 65 + b"}"])
async def test_deeply_nested_json_is_400_before_login(client, body):
    response = await client.post("/api/auth/login/", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert "nested" in response.json()["detail"]


async def test_deeply_nested_json_is_400_on_authenticated_routes(client, factory):
    teacher = await factory.instructor()
    headers = {**teacher["headers"], "Content-Type": "application/json"}
    deep = b'{"title": "x", "category": "y", "tags": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    response = await client.post("/api/courses/", content=deep, headers=headers)
    assert response.status_code == 400, response.text
    brackets_in_text = {**sample_course_body(), "description": "[" * 5000}
    assert (await client.post("/api/courses/", json=brackets_in_text, headers=teacher["headers"])).status_code == 201


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/js/app.js%00.css", 400),
        ("/api/courses/%00/", 400),
        ("/api/courses/?q=%00", 400),
        ("/js/app.js%01", 400),
        ("/js/app.js/x", 404),
        ("/js/" + "a" * 300 + ".js", 404),
        ("/js/app.js", 200),
    ],
)
async def test_odd_paths_are_4xx(client, factory, path, status):
    student = await factory.student()
    response = await client.get(path, headers=student["headers"])
    assert response.status_code == status, (path, response.text[:200])
    if status >= 400:
        assert response.json()["request_id"] == response.headers["x-request-id"]


def _lessons(count: int, prefix: str) -> list[dict[str, object]]:
    return [{"id": f"{prefix}{n}", "title": f"L{n}", "content": "x" * 20_000} for n in range(count)]


async def test_a_course_over_16_mib_is_413_not_500(aux, factory):
    teacher = await factory.instructor()
    h = teacher["headers"]
    modules = [{"id": f"m{m}", "title": f"M{m}", "lessons": _lessons(180, f"l{m}-")} for m in range(5)]
    response = await aux.post("/api/courses/", json=sample_course_body(modules=modules), headers=h)
    assert response.status_code == 413, response.text[:300]
    assert "16 MiB" in response.json()["detail"]

    modules = [{"id": f"m{m}", "title": f"M{m}", "lessons": _lessons(190, f"l{m}-")} for m in range(4)]
    response = await aux.post("/api/courses/", json=sample_course_body(modules=modules), headers=h)
    assert response.status_code == 201, response.text[:300]
    course_id = response.json()["id"]
    extra = {"id": "m9", "title": "One too many", "lessons": _lessons(100, "l9-")}
    response = await aux.post(f"/api/courses/{course_id}/modules/", json=extra, headers=h)
    assert response.status_code == 413, response.text[:300]
    assert "16 MiB" in response.json()["detail"]
    stored = (await aux.get(f"/api/courses/{course_id}/", headers=h)).json()
    assert [m["id"] for m in stored["modules"]] == ["m0", "m1", "m2", "m3"]


async def test_ids_that_would_be_field_paths_are_400(client, factory):
    teacher = await factory.instructor()
    h = teacher["headers"]
    dotted = sample_course_body()
    dotted["modules"][0]["lessons"][1]["id"] = "a.b"
    assert (await client.post("/api/courses/", json=dotted, headers=h)).status_code == 400
    course = await factory.course(teacher)
    lesson = {"id": "a.b", "title": "Dotted"}
    response = await client.post(f"/api/courses/{course['id']}/modules/m1/lessons/", json=lesson, headers=h)
    assert response.status_code == 400, response.text
    quiz = {"questions": [{"id": "$q", "prompt": "?", "choices": ["a", "b"], "answer": 0}]}
    response = await client.put(f"/api/courses/{course['id']}/lessons/l2/quiz/", json=quiz, headers=h)
    assert response.status_code == 400, response.text
    student = await factory.student()
    await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
    body = {"course_id": course["id"], "lesson_id": "a.b", "quiz_answers": {"q1": 1}}
    response = await client.post("/api/progress/update/", json=body, headers=student["headers"])
    assert response.status_code in (400, 404), response.text
