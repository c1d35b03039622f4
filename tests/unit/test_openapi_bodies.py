"""The OpenAPI schema documents every success body, and request bodies say what the API accepts.

A generated client (or schemathesis) gets a described type for each 2xx answer: a component with its
properties, a list of them, or, for the chat stream, the JSON payload of each server-sent event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from api.app import create_app
from api.schemas.convert import SchemaDrift, set_strict, typed
from api.schemas.courses import LessonOut
from api.schemas.users import UserOut
from tutor.settings import Settings

METHODS = ("get", "post", "put", "patch", "delete")
PUBLIC_AUTH = tuple(f"/api/auth/{name}" for name in ("register", "login", "refresh", "logout", "lti/exchange"))


@asynccontextmanager
async def _never_opened(_: Settings) -> AsyncIterator[Any]:
    raise AssertionError("the schema is built without starting the app")
    yield


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    app = create_app(Settings(env="test", mongodb_url="mongodb://127.0.0.1:9"), _never_opened)
    return app.openapi_schema.to_schema()


def _resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return node


def described(node: dict[str, Any], schema: dict[str, Any]) -> bool:
    """Whether ``node`` describes its body: named properties, items that do, or alternatives that all do."""
    node = _resolve(node, schema)
    if node.get("properties"):
        return True
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return described(node["items"], schema)
    alternatives = node.get("oneOf") or node.get("anyOf") or []
    return bool(alternatives) and all(described(option, schema) for option in alternatives)


def operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_success_body_is_documented(schema):
    undocumented = []
    for label, operation in operations(schema):
        for status, response in operation["responses"].items():
            if not status.startswith("2") or status == "204":
                continue
            content = response.get("content") or {}
            if not content or not all(described(media.get("schema") or {}, schema) for media in content.values()):
                undocumented.append(f"{label} {status}")
    assert len(operations(schema)) >= 40
    assert not undocumented, undocumented


def test_no_content_answers_document_no_body(schema):
    for label, operation in operations(schema):
        response = operation["responses"].get("204")
        if response is not None:
            assert not response.get("content"), label


def test_the_chat_stream_documents_each_event_payload(schema):
    ok = schema["paths"]["/api/chat/stream"]["post"]["responses"]["200"]
    assert list(ok["content"]) == ["text/event-stream"]
    events = ok["content"]["text/event-stream"]["schema"]["oneOf"]
    by_name = {e["properties"]["event"]["const"]: e["properties"]["data"] for e in events}
    assert set(by_name) == {"start", "token", "tool_call", "tool_result", "citation", "notice", "error", "done"}
    assert set(by_name["start"]["contentSchema"]["required"]) == {"thread_id", "course_id", "mode", "review"}
    done = by_name["done"]
    assert done["contentMediaType"] == "application/json"
    assert {"answer", "citations", "thread_id"} <= set(done["contentSchema"]["required"])


def test_the_upload_documents_its_multipart_body(schema):
    body = schema["paths"]["/api/courses/{course_id}/materials"]["post"]["requestBody"]
    files = body["content"]["multipart/form-data"]["schema"]["properties"]["files"]
    assert files["items"]["format"] == "binary" and files["minItems"] == 1


def test_request_bodies_refuse_unknown_fields_and_keep_optional_bounds(schema):
    components = schema["components"]["schemas"]
    for name in ("RegisterIn", "CourseIn", "LessonIn", "ProgressUpdateIn", "ChatIn"):
        assert components[name]["additionalProperties"] is False, name
    price = components["CourseIn"]["properties"]["price"]["anyOf"][0]
    assert price["minimum"] == 0  # Litestar's own generator drops a zero bound
    goals = components["RegisterIn"]["properties"]["career_goals"]["anyOf"][0]
    assert goals["maxItems"] == 20
    assert components["RegisterIn"]["properties"]["password"]["minLength"] == 10  # the password policy
    assert components["ChatIn"]["properties"]["message"]["pattern"] == "\\S"  # not only whitespace


def test_catalogue_query_parameters_state_their_bounds(schema):
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/courses"]["get"]["parameters"]}
    assert params["page_size"]["maximum"] == 100 and params["page"]["minimum"] == 1
    assert params["min_price"]["minimum"] == 0
    assert "rating" in params["sort"]["enum"]


def _user(**extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": "u1",
        "email": "a@b.co",
        "role": "student",
        "profile": {},
        "created_at": now,
        "updated_at": now,
        **extra,
    }


def test_typed_keeps_the_wire_format():
    value = _user(profile={"full_name": "Ada", "avatar": None})
    out = typed(value, UserOut)
    assert msgspec.json.decode(msgspec.json.encode(out)) == msgspec.json.decode(msgspec.json.encode(value))


def test_typed_reports_a_dropped_or_missing_field_in_strict_mode():
    set_strict(True)
    try:
        with pytest.raises(SchemaDrift, match=r"\$\.secret: dropped"):
            typed(_user(secret="x"), UserOut)
        with pytest.raises(SchemaDrift, match="UserOut"):
            typed({"id": "u1"}, UserOut)
        lesson: dict[str, Any] = {
            "id": "l",
            "title": "t",
            "content": None,
            "duration_minutes": 5,
            "skills": [],
            "prerequisites": [],
        }
        with pytest.raises(SchemaDrift, match="quiz"):
            typed(lesson, LessonOut)
    finally:
        set_strict(None)


def test_typed_passes_the_answer_through_outside_strict_mode(caplog):
    set_strict(False)
    try:
        odd = _user(role="admin")
        passed: Any = typed(odd, UserOut)
        assert passed is odd
        assert "does not match UserOut" in caplog.text
    finally:
        set_strict(None)


def test_every_operation_documents_its_error_answers(schema: dict[str, Any]) -> None:
    """Errors all share one body (``Error``); statuses follow from the operation's shape."""
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status_code", "error", "detail"}
    seen = 0
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            seen += 1
            responses = item[method]["responses"]
            assert responses["default"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
            assert ("401" in responses) == (path.startswith("/api/") and path != "/api/auth/register"), (method, path)
            assert ("403" in responses) == (path.startswith("/api/") and not path.startswith(PUBLIC_AUTH)), path
            assert ("404" in responses) == ("{" in path), (method, path)
    assert seen > 30
    assert "429" in schema["paths"]["/api/chat/stream"]["post"]["responses"]
    assert "429" in schema["paths"]["/api/auth/login"]["post"]["responses"]
