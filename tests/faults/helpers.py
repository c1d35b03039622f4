"""Arranging data on a fault stack and watching requests while a server dies."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx

from tests.conftest import Factory
from tests.integration.test_materials import upload, wait_job

LESSON = b"""# Loops

## For loops

A for loop runs its body once for every item of a sequence such as a list or a range.
Use range(5) to repeat a block five times.

## While loops

A while loop keeps running while its condition is true, so the body must eventually make it false.
"""


async def course_with_material(client: httpx.AsyncClient, factory: Factory) -> dict[str, Any]:
    """An instructor's course with one indexed lesson file and an enrolled student (needs a worker)."""
    teacher = await factory.instructor()
    course = await factory.course(teacher, title="Looping in Python")
    res = await upload(client, course["id"], teacher["headers"], [("loops.md", LESSON)], lesson_id="l1")
    assert res.status_code == 202, res.text
    job = await wait_job(client, res.json()["id"], teacher["headers"])
    assert job["state"] == "succeeded", job
    student = await factory.student()
    enrolled = await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
    assert enrolled.status_code == 201, enrolled.text
    return {"course": course, "teacher": teacher, "student": student}


class Hammer:
    """Repeats one request from a few concurrent callers and counts the statuses (None: no answer)."""

    def __init__(self, client: httpx.AsyncClient, method: str, url: str, callers: int = 3, **kwargs: Any) -> None:
        self.client = client
        self.request = (method, url, kwargs)
        self.callers = callers
        self.statuses: Counter[int | None] = Counter()
        self.slowest_s = 0.0
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def _loop(self) -> None:
        method, url, kwargs = self.request
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                status: int | None = (await self.client.request(method, url, **kwargs)).status_code
            except httpx.HTTPError:
                status = None
            self.slowest_s = max(self.slowest_s, time.monotonic() - started)
            self.statuses[status] += 1
            await asyncio.sleep(0.05)

    def start(self) -> Hammer:
        """Begin sending."""
        self._tasks = [asyncio.create_task(self._loop()) for _ in range(self.callers)]
        return self

    async def stop(self) -> Counter[int | None]:
        """Stop after the requests in flight and answer the status counts."""
        self._stop.set()
        await asyncio.gather(*self._tasks)
        return self.statuses


async def until_status(
    client: httpx.AsyncClient, method: str, url: str, want: int, limit_s: float = 90, **kwargs: Any
) -> httpx.Response:
    """Repeat a request until it answers ``want`` (a server coming back takes a moment)."""
    deadline = time.monotonic() + limit_s
    while True:
        response = await client.request(method, url, **kwargs)
        if response.status_code == want or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.5)
