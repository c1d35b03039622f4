"""The Mongo-wire server (SecantusDB) restarted: requests fail fast with 503, then everything recovers."""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.helpers import Hammer, until_status
from tests.faults.stack import kill

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


async def test_requests_answer_503_while_the_database_is_down_then_recover(stack, client, factory):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    student = await factory.student()
    h = student["headers"]
    assert (await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=h)).status_code == 201

    reads = Hammer(client, "GET", f"/api/courses/{cid}/", headers=h).start()
    writes = Hammer(
        client,
        "POST",
        "/api/progress/update/",
        json={"course_id": cid, "lesson_id": "l2", "completed": True},
        headers=h,
    ).start()
    await asyncio.sleep(1)
    kill(stack.mongo)
    await asyncio.sleep(8)
    down = await client.get("/api/enrollments/", headers=h)
    login = await client.post("/api/auth/login/", json={"email": student["email"], "password": student["password"]})
    stack.mongo.start(timeout_s=90)  # same port, same data directory
    statuses = (await reads.stop()) + (await writes.stop())

    assert down.status_code == 503, down.text
    assert down.json()["error"] == "unavailable" and down.headers.get("retry-after"), down.json()
    assert login.status_code == 503, login.text
    assert set(statuses) <= {200, 503}, statuses  # never a 500, never a dropped connection
    assert statuses[503] > 0, statuses
    assert max(reads.slowest_s, writes.slowest_s) < 15, (reads.slowest_s, writes.slowest_s)  # no hanging

    back = await until_status(client, "GET", "/api/enrollments/", 200, headers=h)
    assert back.status_code == 200, back.text
    assert [e["course_id"] for e in back.json()] == [cid]  # the data survived the restart
    again = await client.post("/api/auth/login/", json={"email": teacher["email"], "password": teacher["password"]})
    assert again.status_code == 200, again.text
    progress = await client.get(f"/api/progress/{cid}/", headers=h)
    assert progress.status_code == 200, progress.text
