"""Simulated users for ``bench.soak``: students browse, enroll, take quizzes, chat; instructors upload.

Each user is a closed loop (act, think, act again) with its own seeded random generator, so a run is
repeatable up to the server's timing. Every request goes through one :class:`Recorder`, which keeps the
latencies and counts server errors (a status >= 500, or no answer at all).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

QUESTIONS = (
    "How do I repeat a block five times?",
    "What is the difference between a list and a tuple?",
    "Explain a while loop with an example.",
    "Which lesson should I study next?",
    "What are my weak areas?",
)


def course_body(tag: str) -> dict[str, Any]:
    """A small course with two lessons, one of them with a two-question quiz."""
    quiz = {
        "questions": [
            {"id": "q1", "prompt": "What repeats a block?", "choices": ["if", "for"], "answer": 1,
             "skills": ["python.loops"], "explanation": "A for loop repeats its body."},
            {"id": "q2", "prompt": "Index of the first item?", "choices": ["0", "1"], "answer": 0,
             "skills": ["python.lists"], "explanation": "Python counts from zero."},
        ]
    }  # fmt: skip
    lessons = [
        {"id": "l1", "title": "Loops", "content": "A for loop repeats its body once per item.",
         "skills": ["python.loops"], "quiz": quiz},
        {"id": "l2", "title": "Lists", "content": "A list holds items in order.", "prerequisites": ["l1"]},
    ]  # fmt: skip
    return {
        "title": f"Soak course {tag}",
        "description": "Loops and lists, for the soak benchmark.",
        "category": "programming",
        "difficulty_level": "beginner",
        "duration_hours": 2,
        "price": 0,
        "tags": ["python", "soak"],
        "modules": [{"id": "m1", "title": "Basics", "lessons": lessons}],
    }


def material(tag: str, n: int) -> bytes:
    """A small Markdown lesson file, different on every upload."""
    return (
        f"# Notes {tag} {n}\n\n## Loops\n\nA for loop repeats a block; upload {n} of {tag} uses range({n % 9 + 1}).\n\n"
        f"## Lists\n\nLists keep items in order; item {n} sits at index {n}.\n"
    ).encode()


@dataclass
class Recorder:
    """Counts and times every request of the run."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors_5xx: int = 0
    failures: list[str] = field(default_factory=list)

    async def call(self, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        """Send one request; a status >= 500 or a transport error counts as a server error."""
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
            self._error(f"{method} {url}: {exc!r}")
            return None
        self.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self._error(f"{method} {url}: {response.status_code} {response.text[:200]}")
        return response

    def _error(self, line: str) -> None:
        self.errors_5xx += 1
        if len(self.failures) < 20:
            self.failures.append(line)

    @property
    def requests(self) -> int:
        """Requests sent so far."""
        return len(self.latencies_ms)


@dataclass
class User:
    """One simulated account: its headers, the courses it knows, its random generator."""

    client: httpx.AsyncClient
    recorder: Recorder
    headers: dict[str, str]
    rng: random.Random
    courses: list[str]
    enrolled: list[str] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    uploads: int = 0

    async def run(self, until: float, think_s: tuple[float, float]) -> None:
        """Act and think until the monotonic deadline ``until``."""
        while time.monotonic() < until:
            await self.act()
            await asyncio.sleep(self.rng.uniform(*think_s))

    async def act(self) -> None:
        """One action; subclasses choose it."""
        raise NotImplementedError

    async def req(self, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        """A request as this user."""
        return await self.recorder.call(self.client, method, url, headers=self.headers, **kwargs)


class Student(User):
    """Browses the catalogue, enrolls, takes quizzes, reads progress, chats and searches."""

    async def act(self) -> None:
        """Pick one action by weight."""
        action = self.rng.choices(
            [self.browse, self.enroll, self.quiz, self.progress, self.chat, self.search], [30, 10, 25, 10, 15, 10]
        )[0]
        await action()

    async def browse(self) -> None:
        await self.req("GET", "/api/courses/", params={"page": self.rng.randint(1, 3), "page_size": 10})
        await self.req("GET", f"/api/courses/{self.rng.choice(self.courses)}/")

    async def enroll(self) -> None:
        course_id = self.rng.choice(self.courses)
        response = await self.req("POST", "/api/courses/enroll/", json={"course_id": course_id})
        if response is not None and response.status_code in (201, 409) and course_id not in self.enrolled:
            self.enrolled.append(course_id)

    async def quiz(self) -> None:
        if not self.enrolled:
            return await self.enroll()
        answers = {"q1": self.rng.randint(0, 1), "q2": self.rng.randint(0, 1)}
        body = {"course_id": self.rng.choice(self.enrolled), "lesson_id": "l1", "quiz_answers": answers}
        await self.req("POST", "/api/progress/update/", json=body)

    async def progress(self) -> None:
        await self.req("GET", "/api/progress/")

    async def chat(self) -> None:
        body: dict[str, Any] = {"message": self.rng.choice(QUESTIONS)}
        if self.enrolled:
            body["course_id"] = self.rng.choice(self.enrolled)
        await self.req("POST", "/api/chat/", json=body)

    async def search(self) -> None:
        if self.enrolled:
            await self.req("GET", f"/api/courses/{self.rng.choice(self.enrolled)}/search/", params={"q": "for loop"})


class Instructor(User):
    """Uploads small materials, follows their ingestion jobs, lists materials and edits a course."""

    async def act(self) -> None:
        """Pick one action by weight."""
        action = self.rng.choices([self.upload, self.poll, self.materials, self.edit], [40, 25, 20, 15])[0]
        await action()

    async def upload(self) -> None:
        self.uploads += 1
        course_id = self.rng.choice(self.courses)
        name = f"notes-{self.uploads % 5}.md"  # five names per instructor: re-uploads replace earlier files
        files = [("file", (name, material(course_id[:8], self.uploads), "text/markdown"))]
        response = await self.req("POST", f"/api/courses/{course_id}/materials/", files=files)
        if response is not None and response.status_code == 202:
            self.jobs = [*self.jobs[-9:], response.json()["id"]]

    async def poll(self) -> None:
        if self.jobs:
            await self.req("GET", f"/api/ingest/jobs/{self.rng.choice(self.jobs)}/")

    async def materials(self) -> None:
        await self.req("GET", f"/api/courses/{self.rng.choice(self.courses)}/materials/")

    async def edit(self) -> None:
        body = {"description": f"Loops and lists, revision {self.rng.randint(1, 10**6)}."}
        await self.req("PATCH", f"/api/courses/{self.rng.choice(self.courses)}/", json=body)
