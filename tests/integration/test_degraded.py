"""With Redis unreachable: quizzes and chat still work, uploads answer 503 and keep nothing half-done."""

from __future__ import annotations

import httpx
import pytest

from app.embedded.process import free_port
from tests.integration.test_materials import upload
from tests.servers import serve

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def no_redis_app(settings):
    from app.asgi import create_app

    broken = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    with serve(create_app(broken)) as server:
        yield server.url


async def test_quiz_and_chat_survive_a_redis_outage(no_redis_app, factory):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    async with httpx.AsyncClient(base_url=no_redis_app, timeout=60) as client:
        login = await client.post("/api/auth/login/", json={"email": teacher["email"], "password": teacher["password"]})
        assert login.status_code == 200
        student = await factory.student()
        h = student["headers"]
        assert (await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=h)).status_code == 201
        body = {"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 0}}
        res = await client.post("/api/progress/update/", json=body, headers=h)
        assert res.status_code == 200, res.text
        assert res.json()["quiz_result"]["score"] == 100.0
        chat = await client.post("/api/chat/", json={"message": "What is a loop?"}, headers=h)
        assert chat.status_code == 200
        res = await upload(client, course["id"], teacher["headers"], [("a.md", b"# A\n\nSome text.")])
        assert res.status_code == 503
        assert "queue" in res.json()["detail"]
