"""Schemathesis over the whole live OpenAPI schema, as a student and as an instructor: never a 5xx.

Every operation is driven with schema-valid (positive) and schema-violating (negative) cases, and each
operation with path parameters once more with the ids of real records (a fresh course per operation,
the student enrolled in it, a material, a chat thread), so the handlers behind the 404s run too. Then
the hostile probes of tests/hostile.py: OPTIONS without credentials on every path, odd ids in every
path, and pathological JSON bodies (nesting 5000 deep, NUL bytes, invalid UTF-8, numbers beyond float).

No operation is excluded. The ones that could end the fuzzing session (``DELETE /api/auth/me/``,
``POST /api/auth/logout/``, ``POST /api/auth/password/``) need the account's password or its refresh
token, which the generator never sees, so they are exercised on their refusal paths; the test checks at
the end that the session still works, which it would not if one of them had succeeded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import sample_course_body
from tests.schemafuzz import FuzzRun

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

MAX_EXAMPLES = 6


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
    report = "\n".join(str(finding) for finding in run.findings)
    assert not run.findings, f"{len(run.findings)} server errors:\n{report}\n--- server log ---\n{traces[:20000]}"
    assert sum(run.statuses.values()) > 300, run.statuses  # the fuzzer really ran
    assert any(200 <= status < 300 for status in run.statuses), run.statuses
    me = await client.get("/api/auth/me/", headers=caller["headers"])
    assert me.status_code == 200, "the fuzzing session was ended by one of the operations"
