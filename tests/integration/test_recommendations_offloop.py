"""The recommendation GET reads; the learner model runs on the worker.

Until the worker has stored a student's model, the GET answers from the cold-start path (marked
``pending``) and queues the refresh, so the event loop never computes a model, even a slow one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.embedded.process import free_port
from recommender.learner import LearnerModel
from tests.polling import wait_for
from tests.servers import serve

pytestmark = pytest.mark.asyncio
SLOW_S = 3.0


async def _healthz_while(client: httpx.AsyncClient, work: asyncio.Future[Any]) -> list[float]:
    """``/healthz`` latencies (seconds), polled until ``work`` is done and a moment after."""
    latencies: list[float] = []
    settle = None
    while settle is None or time.monotonic() < settle:
        start = time.monotonic()
        assert (await client.get("/healthz")).status_code == 200
        latencies.append(time.monotonic() - start)
        if work.done() and settle is None:
            settle = time.monotonic() + 0.5
        await asyncio.sleep(0.05)
    return latencies


async def test_the_recommendation_get_never_computes_on_the_loop(client, factory, monkeypatch):
    """A learner-model computation made slow (and blocking) must never stall the API's event loop."""
    calls: list[str] = []
    compute = LearnerModel.refresh

    async def slow_refresh(self: LearnerModel, user_id: str) -> dict[str, Any]:
        calls.append(user_id)
        time.sleep(SLOW_S)  # noqa: ASYNC251 -- blocking on purpose: on the loop, it would freeze every request
        return await compute(self, user_id)

    monkeypatch.setattr(LearnerModel, "refresh", slow_refresh)
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    student = await factory.student()
    h = student["headers"]
    assert (await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=h)).status_code == 201

    started = time.monotonic()
    get = asyncio.ensure_future(client.get(f"/api/ai/recommendations/{student['id']}/", headers=h))
    latencies = await _healthz_while(client, get)
    res = await get
    # The computation blocks for 3 s: on the loop, one /healthz would wait that long. 2 s leaves room for a
    # machine loaded by other jobs without ever passing the stall.
    assert len(latencies) >= 3 and max(latencies) < 2.0, latencies
    assert res.status_code == 200, res.text
    assert time.monotonic() - started < SLOW_S  # the GET itself did not wait for a model either
    body = res.json()
    assert body["pending"] is True and body["source"] == "cold_start"
    assert course["id"] not in [r["course_id"] for r in body["recommended_courses"]]
    assert [(r["course_id"], r["lesson_id"]) for r in body["next_lessons"]] == [(course["id"], "l1")]
    assert calls == []  # nothing in the API process ran the learner model


async def test_the_worker_replaces_the_cold_start_answer(client, factory, worker):
    teacher = await factory.instructor()
    taken = await factory.course(teacher)
    locked = await factory.course(teacher, title="Lists in depth", prerequisite_skills=["python.lists"])
    student = await factory.student(career_goals=["software developer"])
    h = student["headers"]
    assert (await client.post("/api/courses/enroll/", json={"course_id": taken["id"]}, headers=h)).status_code == 201
    url = f"/api/ai/recommendations/{student['id']}/"

    first = (await client.get(url, headers=h)).json()
    assert first["pending"] is True and first["source"] == "cold_start"
    suggested = [r["course_id"] for r in first["recommended_courses"]]
    assert taken["id"] not in suggested and locked["id"] not in suggested  # prerequisites not met yet
    assert all(0.0 <= r["confidence_score"] <= 1.0 and r["reason"] for r in first["recommended_courses"])
    as_teacher = (await client.get(url, headers=teacher["headers"])).json()
    assert as_teacher["scope"] == "instructor" and as_teacher["pending"] is True

    async def stored() -> dict[str, Any] | None:
        body = (await client.get(url, headers=h)).json()
        return body if not body["pending"] else None

    final = await wait_for(stored)  # the first read queued the refresh: nothing else did
    assert final["source"] == "learner_model" and final["generated_at"] != first["generated_at"]
    assert set(first) == set(final)  # the cold-start answer has every key of the stored one
    assert taken["id"] not in [r["course_id"] for r in final["recommended_courses"]]


@pytest.fixture(scope="module")
def no_queue_app(settings) -> Iterator[str]:
    from app.asgi import create_app

    broken = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    with serve(create_app(broken)) as server:
        yield server.url


async def test_the_cold_start_answer_does_not_need_the_queue(no_queue_app, factory):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    student = await factory.student()
    h = student["headers"]
    async with httpx.AsyncClient(base_url=no_queue_app, timeout=60) as client:
        assert (await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=h)).status_code
        for _ in range(2):  # the second read comes while the first one's refresh is still failing to queue
            res = await client.get(f"/api/ai/recommendations/{student['id']}/", headers=h)
            assert res.status_code == 200, res.text
            assert res.json()["pending"] is True
        stranger = await factory.student()
        res = await client.get(f"/api/ai/recommendations/{student['id']}/", headers=stranger["headers"])
        assert res.status_code == 404


async def test_a_quiz_answer_queues_a_fresh_learner_model(client, factory, worker):
    teacher = await factory.instructor()
    course = await factory.course(teacher, price=0)
    student = await factory.student()
    h = student["headers"]
    assert (await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=h)).status_code == 201
    url = f"/api/ai/recommendations/{student['id']}/"
    assert (await client.get(url, headers=h)).json()["pending"] is True  # queues the first model

    async def stored_after(previous: str | None) -> dict[str, Any] | None:
        body = (await client.get(url, headers=h)).json()
        return body if not body["pending"] and body["generated_at"] != previous else None

    first = await wait_for(lambda: stored_after(None))
    # A read queues again only after 30 s; a newer model now comes from the quiz submission's hook alone.
    answers = {"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 0, "q2": 1}}
    assert (await client.post("/api/progress/update/", json=answers, headers=h)).status_code == 200
    after = await wait_for(lambda: stored_after(first["generated_at"]))
    assert after["source"] == "learner_model"
    assert any(area["skill"] == "python.loops" for area in after["weak_areas"]), after["weak_areas"]
