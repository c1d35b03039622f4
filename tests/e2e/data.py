"""Test data for the browser tests, arranged through the real API."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

LOOPS_LESSON = """# Loops

## For loops

A for loop runs its body once for every item of a sequence such as a list or a range.
Use range(5) to repeat a block five times.

## While loops

A while loop keeps running while its condition is true, so the body must eventually make it false.
"""


@dataclass
class CourseWithMaterial:
    """A course, its instructor and the ids the tests need."""

    course: dict[str, Any]
    teacher: dict[str, Any]

    @property
    def id(self) -> str:
        """The course id."""
        return str(self.course["id"])

    @property
    def title(self) -> str:
        """The course title."""
        return str(self.course["title"])


async def wait_job(client: httpx.AsyncClient, job_id: str, headers: dict[str, str], limit_s: float = 180) -> dict[str, Any]:
    """Poll an ingestion job until it ends."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        job = (await client.get(f"/api/ingest/jobs/{job_id}/", headers=headers)).json()
        if job["state"] in ("succeeded", "partial", "failed"):
            return dict(job)
        await asyncio.sleep(0.3)
    raise AssertionError(f"ingestion job {job_id} did not finish")


async def arrange_course_with_material(client: httpx.AsyncClient, factory: Any, title: str = "") -> CourseWithMaterial:
    """A course whose lesson ``l1`` holds the loops text, also uploaded and ingested as ``loops.md``."""
    teacher = await factory.instructor()
    course = await factory.course(teacher, title=title or f"Looping in Python {int(time.time() * 1000) % 100000}")
    headers = teacher["headers"]
    patched = await client.patch(
        f"/api/courses/{course['id']}/lessons/l1/", json={"content": LOOPS_LESSON}, headers=headers
    )
    assert patched.status_code == 200, patched.text
    files = [("file", ("loops.md", LOOPS_LESSON.encode(), "text/markdown"))]
    res = await client.post(f"/api/courses/{course['id']}/materials/", files=files, headers=headers, params={"lesson_id": "l1"})
    assert res.status_code == 202, res.text
    job = await wait_job(client, res.json()["id"], headers)
    assert job["state"] == "succeeded", job
    return CourseWithMaterial(course=course, teacher=teacher)
