"""Chat through the real OpenAI client path (scripted server on loopback): disconnects and the rate limit."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.servers import serve
from tests.sse import sse_events

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedOpenAIServer]:
    with ScriptedOpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def llm_app(settings, scripted):
    from app.asgi import create_app

    llm_settings = settings.model_copy(
        update={"openai_base_url": scripted.base_url, "openai_api_key": "k", "llm_model": scripted.model,
                "chat_rate_per_min": 3, "llm_timeout_s": 5.0}
    )  # fmt: skip
    with serve(create_app(llm_settings)) as server:
        yield server.url


async def test_disconnect_mid_stream_keeps_partial_answer(llm_app, scripted, factory, services):
    student = await factory.student()
    scripted.replies.clear()
    scripted.reply_hang("Loops repeat work until")
    body = {"message": "Explain loops"}
    async with (
        httpx.AsyncClient(base_url=llm_app, timeout=30) as client,
        client.stream("POST", "/api/chat/stream/", json=body, headers=student["headers"]) as response,
    ):
        assert response.status_code == 200
        seen = []
        async for kind, data in sse_events(response):
            seen.append(kind)
            if kind == "token" and "until" in data["text"]:
                break
    # Leaving the block closes the connection mid-answer.
    assert seen[0] == "start" and "token" in seen and "done" not in seen
    deadline = time.monotonic() + 20
    message = None
    while time.monotonic() < deadline:
        threads = await services.conversations.threads.of_user(student["id"])
        if threads:
            thread = await services.conversations.threads.get(threads[0]["_id"])
            assistant = [m for m in thread["messages"] if m["role"] == "assistant"]
            if assistant:
                message = assistant[0]
                break
        await asyncio.sleep(0.2)
    scripted.release()
    assert message is not None, "the partial answer was not kept"
    assert message["incomplete"] is True
    assert "Loops repeat work" in message["content"]


async def test_scripted_llm_answer_names_its_model(llm_app, scripted, factory):
    student = await factory.student()
    scripted.replies.clear()
    scripted.reply_text("A loop repeats a block of code.")
    async with httpx.AsyncClient(base_url=llm_app, timeout=30) as client:
        res = await client.post("/api/chat/", json={"message": "What is a loop?"}, headers=student["headers"])
    assert res.status_code == 200, res.text
    assert res.json()["answer"] == "A loop repeats a block of code."
    assert res.json()["model"] == scripted.model
    assert all(event["type"] != "start" for event in res.json()["events"])  # the answer names its thread itself


async def test_the_stream_starts_with_the_stored_thread_before_the_model_answers(llm_app, scripted, factory, services):
    student = await factory.student()
    scripted.replies.clear()
    scripted.reply_delay(1.0)  # the model takes a second to say anything
    body = {"message": "What is a loop?", "mode": "socratic"}
    async with (
        httpx.AsyncClient(base_url=llm_app, timeout=30) as client,
        client.stream("POST", "/api/chat/stream/", json=body, headers=student["headers"]) as response,
    ):
        events = sse_events(response)
        kind, start = await anext(events)
        assert kind == "start" and start == {"thread_id": start["thread_id"], "course_id": None, "mode": "socratic", "review": "off"}
        # Already stored, with the student's message, while the model has not answered yet.
        thread = await services.conversations.threads.get(start["thread_id"])
        assert thread is not None and thread["user_id"] == student["id"]
        assert [m["content"] for m in thread["messages"]] == ["What is a loop?"]
        rest = [item async for item in events]
    assert [k for k, _ in rest][-1] == "done" and "start" not in [k for k, _ in rest]
    assert rest[-1][1]["thread_id"] == start["thread_id"] and rest[-1][1]["answer"] == "too late"


async def test_the_serving_process_keeps_its_startup_objects_out_of_full_collections(llm_app):
    # A full pass over the startup heap (torch, the services) would stop the event loop for ~0.4 s.
    assert gc.get_freeze_count() > 100_000


async def test_rate_limit_answers_429(llm_app, scripted, factory):
    student = await factory.student()
    scripted.replies.clear()
    for _ in range(5):
        scripted.reply_text("ok")
    async with httpx.AsyncClient(base_url=llm_app, timeout=30) as client:
        codes = []
        for _ in range(4):
            res = await client.post("/api/chat/", json={"message": "hi"}, headers=student["headers"])
            codes.append(res.status_code)
        assert codes[:3] == [200, 200, 200]
        assert codes[3] == 429
        assert int(res.headers["Retry-After"]) >= 1
        # The refused message is not kept: it was counted and stored side by side, and its thread removed.
        threads = (await client.get("/api/chat/threads/", headers=student["headers"])).json()
        assert len(threads) == 3
        # In an existing thread, a refused message is not appended.
        thread_id = threads[0]["id"]
        refused = await client.post("/api/chat/", json={"message": "again", "thread_id": thread_id}, headers=student["headers"])
        assert refused.status_code == 429
        thread = (await client.get(f"/api/chat/threads/{thread_id}/", headers=student["headers"])).json()
        assert [m["content"] for m in thread["messages"]] == ["hi", "ok"]
        other = await factory.student()
        assert (await client.post("/api/chat/", json={"message": "hi"}, headers=other["headers"])).status_code == 200
