"""Schemathesis over the whole live OpenAPI schema, as a student and as an instructor: never a 5xx, every
answer's body as the schema documents it, and no schema-valid request refused as malformed.

Every operation is driven with schema-valid (positive) and schema-violating (negative) cases, and each
operation with path parameters once more with the ids of real records (a fresh course per operation,
the student enrolled in it, a material, a chat thread), so the handlers behind the 404s run too. Then
the hostile probes of tests/hostile.py: OPTIONS without credentials on every path, odd ids in every
path, and pathological JSON bodies (nesting 5000 deep, NUL bytes, invalid UTF-8, numbers beyond float).

No operation is excluded. The ones that could end the fuzzing session (``DELETE /api/auth/me/``,
``POST /api/auth/logout/``, ``POST /api/auth/password/``) need the account's password or its refresh
token, which the generator never sees, so they are exercised on their refusal paths; the test checks at
the end that the session still works, which it would not if one of them had succeeded.

Every case is also checked with Schemathesis' ``response_schema_conformance`` (each 2xx body, and each
event of the chat stream, matches its documented schema) and ``positive_data_acceptance`` (a request the
schema calls valid is not answered 400/422). The refusals in :data:`SEMANTIC_REFUSALS` are the only ones
allowed: they depend on stored data or file contents, which no request schema can describe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import httpx
import pytest
from schemathesis.core.failures import FailureGroup

from tests.conftest import sample_course_body
from tests.schemafuzz import CONFORMANCE_CHECKS, Finding, FuzzRun, load

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

MAX_EXAMPLES = 6

# (operation, the refusal's detail) of schema-valid requests the API may refuse, and why.
SEMANTIC_REFUSALS = (
    # The account's password, which the generator cannot know.
    ("POST /api/auth/password", "current password is incorrect"),
    # The password policy's blocklist of common passwords (its length rule is in the schema).
    ("POST /api/auth/register", "password is too common"),
    # File contents and names: the schema can say "binary files", not "a PDF" or "distinct names".
    ("POST /api/courses/{course_id}/materials", "files are not supported"),
    ("POST /api/courses/{course_id}/materials", "the same file name appears twice"),
    ("POST /api/courses/{course_id}/materials", " is empty"),
    # Ids must be unique in the course, and prerequisites must name its other lessons: stored data.
    ("", "has prerequisites that are not other lessons of this course"),
    ("", "is used twice in this course"),
    # A cross-parameter rule of the query string, which OpenAPI parameters cannot state.
    ("GET /api/courses", "min_price must not exceed max_price"),
    ("GET /api/courses/{course_id}/usage", "from must not be after to"),
    ("GET /api/courses/{course_id}/usage", "a usage report covers at most 366 days"),
    # Grading against the stored quiz: which questions it has and their choices.
    ("POST /api/progress/update", "this lesson has no quiz"),
    ("POST /api/progress/update", "answers name questions that are not in this quiz"),
    ("POST /api/progress/update", "is not one of its choices"),
)


def unexplained(findings: list[Finding]) -> list[Finding]:
    """The findings that are not a refusal listed in :data:`SEMANTIC_REFUSALS`."""
    return [
        finding
        for finding in findings
        if finding.check != "positive_data_acceptance"
        or not any(
            operation in ("", finding.operation) and detail in finding.body for operation, detail in SEMANTIC_REFUSALS
        )
    ]


def real_ids(base_url: str, teacher: dict, student: dict, caller: dict) -> Callable[[set[str]], dict[str, str]]:
    """Make real records for one operation's path parameters (called from the fuzzing thread)."""

    def make(names: set[str]) -> dict[str, str]:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            course = http.post("/api/courses/", json=sample_course_body(), headers=teacher["headers"]).json()
            cid = course["id"]
            http.post("/api/courses/enroll/", json={"course_id": cid}, headers=student["headers"])
            ids = {"course_id": cid, "module_id": "m1", "lesson_id": "l1", "user_id": caller["id"]}
            if names & {"document_id", "job_id"}:
                files = {"file": ("notes.md", b"# Notes\n\nA for loop repeats.", "text/markdown")}
                job = http.post(f"/api/courses/{cid}/materials/", files=files, headers=teacher["headers"]).json()
                ids["job_id"] = job["id"]
                ids["document_id"] = job["files"][0]["document_id"]
            if "thread_id" in names:
                chat = http.post("/api/chat/", json={"message": "What is a loop?"}, headers=caller["headers"])
                ids["thread_id"] = chat.json()["thread_id"]
            return ids

    return make


@pytest.mark.parametrize("role", ["student", "instructor"])
async def test_no_server_error_anywhere_in_the_schema(role, api_server, client, factory, caplog):
    teacher = await factory.instructor()
    student = await factory.student()
    caller = teacher if role == "instructor" else student
    schema = (await client.get("/schema/openapi.json")).json()
    make = real_ids(api_server, teacher, student, caller)
    run = FuzzRun(api_server, caller["headers"], make, max_examples=MAX_EXAMPLES)

    with caplog.at_level(logging.ERROR, logger="tutor.api"):
        await asyncio.to_thread(run.run, schema)

    traces = "\n".join(logging.Formatter().format(r) for r in caplog.records if r.levelno >= logging.ERROR)
    findings = unexplained(run.findings)
    report = "\n".join(str(finding) for finding in findings)
    assert not findings, f"{len(findings)} findings:\n{report}\n--- server log ---\n{traces[:20000]}"
    assert sum(run.statuses.values()) > 300, run.statuses  # the fuzzer really ran
    assert any(200 <= status < 300 for status in run.statuses), run.statuses
    me = await client.get("/api/auth/me/", headers=caller["headers"])
    assert me.status_code == 200, "the fuzzing session was ended by one of the operations"


async def test_a_body_unlike_its_schema_is_a_finding(api_server, client, factory):
    """The conformance check is live: documenting the account's email as an integer is reported."""
    student = await factory.student()
    schema = (await client.get("/schema/openapi.json")).json()
    schema["paths"] = {"/api/auth/me": {"get": schema["paths"]["/api/auth/me"]["get"]}}
    schema["components"]["schemas"]["UserOut"]["properties"]["email"] = {"type": "integer"}
    run = FuzzRun(api_server, student["headers"], lambda names: {}, max_examples=2)
    await asyncio.to_thread(run.run, schema)
    assert any(f.check == "response_schema_conformance" and f.status == 200 for f in run.findings), run.findings


async def test_an_error_body_unlike_the_documented_error_is_a_finding(api_server, client, factory):
    """Error answers are checked too: documenting the error code as an integer is reported on a 404."""
    student = await factory.student()
    schema = (await client.get("/schema/openapi.json")).json()
    schema["paths"] = {"/api/courses/{course_id}": {"get": schema["paths"]["/api/courses/{course_id}"]["get"]}}
    schema["components"]["schemas"]["Error"]["properties"]["error"] = {"type": "integer"}
    run = FuzzRun(api_server, student["headers"], lambda names: {}, max_examples=5)
    await asyncio.to_thread(run.run, schema)
    assert any(f.check == "response_schema_conformance" and f.status == 404 for f in run.findings), run.findings


async def test_each_event_of_the_chat_stream_matches_its_documented_payload(api_server, client, factory):
    student = await factory.student()
    schema = (await client.get("/schema/openapi.json")).json()

    def stream_and_check(document: dict) -> None:
        operation = load(document)["/api/chat/stream"]["POST"]
        case = operation.Case(body={"message": "What is a for loop?"}, media_type="application/json")
        response = case.call(base_url=api_server, headers=student["headers"], timeout=60)
        assert response.status_code == 200 and "event: done" in response.text
        case.validate_response(response, checks=list(CONFORMANCE_CHECKS), headers=student["headers"])

    await asyncio.to_thread(stream_and_check, schema)  # the real stream matches its documentation
    events = schema["paths"]["/api/chat/stream"]["post"]["responses"]["200"]["content"]["text/event-stream"]
    done = next(e for e in events["schema"]["oneOf"] if e["properties"]["event"]["const"] == "done")
    done["properties"]["data"]["contentSchema"]["required"].append("no_such_field")
    with pytest.raises(FailureGroup):  # and a payload unlike it is caught
        await asyncio.to_thread(stream_and_check, schema)
