"""Redis killed: chat, quizzes and login keep working, uploads answer 503, and queued jobs run once it is back."""

from __future__ import annotations

import asyncio
import time

import pytest

from app.components import storage_for
from ingest.storage import material_key
from tests.faults.helpers import LESSON
from tests.faults.stack import kill, restart
from tests.integration.test_materials import upload, wait_job

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


async def listed(client, cid, headers) -> list[dict]:
    response = await client.get(f"/api/courses/{cid}/materials/", headers=headers)
    assert response.status_code == 200, response.text
    return sorted(response.json(), key=lambda m: m["filename"])


async def materials(client, cid, headers) -> list[str]:
    return [m["filename"] for m in await listed(client, cid, headers)]


async def test_a_redis_outage_keeps_the_queue_and_degrades_only_uploads(stack, client, factory):
    stack.start_worker()
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    student = await factory.student()
    h = student["headers"]
    assert (await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=h)).status_code == 201

    # A job waits in the queue (no worker running) when Redis dies.
    assert stack.worker is not None
    kill(stack.worker)
    queued = await upload(client, cid, teacher["headers"], [("queued.md", LESSON)])
    assert queued.status_code == 202, queued.text
    await asyncio.sleep(1.5)  # redis appends to its log every second
    kill(stack.redis)

    login = await client.post("/api/auth/login/", json={"email": student["email"], "password": student["password"]})
    assert login.status_code == 200, login.text
    quiz = {"course_id": cid, "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 0}}
    graded = await client.post("/api/progress/update/", json=quiz, headers=h)
    assert graded.status_code == 200, graded.text
    assert graded.json()["quiz_result"]["score"] == 100.0
    chat = await client.post("/api/chat/", json={"message": "What is a loop?"}, headers=h)
    assert chat.status_code == 200, chat.text
    started = time.monotonic()
    refused = await upload(client, cid, teacher["headers"], [("refused.md", b"# Refused\n\nNot now.")])
    assert refused.status_code == 503, refused.text
    assert time.monotonic() - started < 15  # fails fast, not after Celery's reconnection loop
    assert "queue" in refused.json()["detail"]
    assert await materials(client, cid, teacher["headers"]) == ["queued.md"]  # nothing half-done

    restart(stack.redis)  # same port, same append-only file
    stack.start_worker()
    job = await wait_job(client, queued.json()["id"], teacher["headers"])
    assert job["state"] == "succeeded", (job, stack.worker_log())

    # A second outage under a running worker. Replacing a file is refused, and the indexed one stays as it was.
    worker_pid = stack.worker.proc.pid if stack.worker and stack.worker.proc else None
    before = await listed(client, cid, teacher["headers"])
    kill(stack.redis)
    replaced = await upload(client, cid, teacher["headers"], [("queued.md", b"# Replaced\n\nNew text.")])
    assert replaced.status_code == 503, replaced.text
    assert await listed(client, cid, teacher["headers"]) == before
    key = material_key(cid, before[0]["id"], "queued.md")
    assert storage_for(stack.settings).get(key) == LESSON
    restart(stack.redis)  # the worker reconnects by itself, and so does the API
    later = await upload(client, cid, teacher["headers"], [("later.md", LESSON.replace(b"Loops", b"Later"))])
    assert later.status_code == 202, later.text
    job = await wait_job(client, later.json()["id"], teacher["headers"])
    assert job["state"] == "succeeded", (job, stack.worker_log())
    assert stack.worker.proc is not None and stack.worker.proc.pid == worker_pid
    assert await materials(client, cid, teacher["headers"]) == ["later.md", "queued.md"]
