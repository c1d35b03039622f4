"""Chat threads keep their newest messages live; older ones move to the archive, kept for the export."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.servers import serve

pytestmark = pytest.mark.asyncio

CAP = 4


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedOpenAIServer]:
    with ScriptedOpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def capped_app(settings, scripted) -> Iterator[str]:
    from app.asgi import create_app

    capped = settings.model_copy(
        update={"openai_base_url": scripted.base_url, "openai_api_key": "k", "llm_model": scripted.model,
                "chat_max_messages": CAP, "llm_timeout_s": 10.0}
    )  # fmt: skip
    with serve(create_app(capped)) as server:
        yield server.url


async def chat(http: httpx.AsyncClient, scripted, headers, n: int, thread_id: str | None) -> str:
    scripted.reply_text(f"Answer number {n}: quinceword{n}.")
    body = {"message": f"Question number {n} about pomelotrick{n}?", "thread_id": thread_id}
    response = await http.post("/api/chat/", json={k: v for k, v in body.items() if v}, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["thread_id"])


async def test_oldest_messages_are_archived_not_lost(capped_app, scripted, factory, services):
    student = await factory.student()
    h = student["headers"]
    scripted.replies.clear()
    async with httpx.AsyncClient(base_url=capped_app, timeout=60) as http:
        thread_id = await chat(http, scripted, h, 1, None)
        for n in range(2, 5):
            await chat(http, scripted, h, n, thread_id)
        scripted.requests.clear()
        await chat(http, scripted, h, 5, thread_id)  # 10 messages in all: 4 live, 6 archived
        thread = (await http.get(f"/api/chat/threads/{thread_id}/", headers=h)).json()

    # The thread view shows only the newest messages, and says how many went to the archive.
    contents = [m["content"] for m in thread["messages"]]
    assert len(contents) == CAP
    assert contents == [
        "Question number 4 about pomelotrick4?", "Answer number 4: quinceword4.",
        "Question number 5 about pomelotrick5?", "Answer number 5: quinceword5.",
    ]  # fmt: skip
    assert thread["archived_count"] == 10 - CAP and thread["message_count"] == 10

    # The model's history for turn 5 held no archived message.
    sent = json.dumps(scripted.requests[0]["body"]["messages"])
    assert "pomelotrick1" not in sent and "quinceword1" not in sent
    assert "pomelotrick4" in sent and "pomelotrick5" in sent

    # The archived messages are kept, in order, for the student's own export.
    archived = await services.conversations.archive.messages_of(student["id"])
    assert [m["content"] for m in archived] == [
        "Question number 1 about pomelotrick1?", "Answer number 1: quinceword1.",
        "Question number 2 about pomelotrick2?", "Answer number 2: quinceword2.",
        "Question number 3 about pomelotrick3?", "Answer number 3: quinceword3.",
    ]  # fmt: skip
    assert {m["thread_id"] for m in archived} == {thread_id}
    assert [m["role"] for m in archived] == ["user", "assistant"] * 3
    assert all(m["id"] and m["archived_at"] for m in archived)


async def test_deleting_a_thread_deletes_its_archive(capped_app, scripted, factory, services):
    student = await factory.student()
    h = student["headers"]
    scripted.replies.clear()
    async with httpx.AsyncClient(base_url=capped_app, timeout=60) as http:
        thread_id = await chat(http, scripted, h, 1, None)
        for n in range(2, 5):
            await chat(http, scripted, h, n, thread_id)
        assert len(await services.conversations.archive.messages_of(student["id"])) == 8 - CAP
        assert (await http.delete(f"/api/chat/threads/{thread_id}/", headers=h)).status_code == 204
    assert await services.conversations.archive.messages_of(student["id"]) == []


async def test_threads_under_the_cap_are_untouched(client, factory, services):
    # The session's app keeps the default cap (200): a short conversation archives nothing.
    student = await factory.student()
    h = student["headers"]
    first = (await client.post("/api/chat/", json={"message": "what is a loop?"}, headers=h)).json()
    await client.post("/api/chat/", json={"message": "and a list?", "thread_id": first["thread_id"]}, headers=h)
    thread = (await client.get(f"/api/chat/threads/{first['thread_id']}/", headers=h)).json()
    assert len(thread["messages"]) == 4 and thread.get("archived_count", 0) == 0
    assert await services.conversations.archive.messages_of(student["id"]) == []
