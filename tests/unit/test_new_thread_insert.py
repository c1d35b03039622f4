"""A new thread is stored in the background, and nothing that uses it can overtake that insert.

A chat turn tells the client its thread id (the ``start`` event) without waiting for the database;
these tests hold the insert back and check that reading, appending to, listing and deleting the
thread all wait for it, that a cancelled reader cannot cancel it, and that a failed insert reaches
whoever uses the thread next.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tutor.db import Document
from tutor.errors import NotFound
from tutor.repositories.threads import ThreadRepository
from tutor.services.conversations import ConversationService
from tutor.services.principal import Principal

pytestmark = pytest.mark.asyncio

ADA = Principal("ada", "student")


class HeldThreads(ThreadRepository):
    """Threads in memory; inserts wait until ``release`` is set (or fail with ``error``)."""

    def __init__(self) -> None:
        self.docs: dict[str, Document] = {}
        self.release = asyncio.Event()
        self.error: Exception | None = None

    async def insert(self, doc: Document, *, conflict_message: str = "already exists") -> Document:
        await self.release.wait()
        if self.error is not None:
            raise self.error
        self.docs[doc["_id"]] = dict(doc)
        return doc

    async def get(self, doc_id: str) -> Document | None:
        return self.docs.get(doc_id)

    async def of_user(self, user_id: str, limit: int = 50) -> list[Document]:
        return [d for d in self.docs.values() if d["user_id"] == user_id]

    async def append(self, thread_id: str, messages: list[dict[str, Any]], keep: int | None = None) -> bool:
        self.docs[thread_id]["messages"].extend(messages)
        return False

    async def delete(self, doc_id: str) -> None:  # type: ignore[override]
        self.docs.pop(doc_id, None)


def _message(text: str) -> dict[str, Any]:
    return {"id": text, "role": "user", "content": text}


async def test_open_returns_before_the_insert_and_every_use_waits_for_it() -> None:
    threads = HeldThreads()
    service = ConversationService(threads)
    thread = await service.open(ADA, None, "Loops", None, [_message("What is a loop?")])
    assert thread["_id"] not in threads.docs  # the caller has its id; the database does not yet

    read = asyncio.create_task(service.get(ADA, thread["_id"]))
    appended = asyncio.create_task(service.append(thread["_id"], [_message("And a list?")]))
    listed = asyncio.create_task(service.list(ADA))
    await asyncio.sleep(0.01)
    assert not (read.done() or appended.done() or listed.done())

    threads.release.set()
    view = await read
    await appended
    assert [t["id"] for t in await listed] == [thread["_id"]]
    assert view["messages"][0]["content"] == "What is a loop?"
    assert [m["content"] for m in threads.docs[thread["_id"]]["messages"]] == ["What is a loop?", "And a list?"]


async def test_a_cancelled_reader_does_not_cancel_the_insert() -> None:
    threads = HeldThreads()
    service = ConversationService(threads)
    thread = await service.open(ADA, None, "Loops", None, [_message("hi")])
    reader = asyncio.create_task(service.get(ADA, thread["_id"]))
    await asyncio.sleep(0.01)
    reader.cancel()
    threads.release.set()
    await service.stored(thread["_id"])
    assert thread["_id"] in threads.docs


async def test_another_users_read_waits_and_is_still_refused() -> None:
    threads = HeldThreads()
    service = ConversationService(threads)
    thread = await service.open(ADA, None, "Loops", None, [_message("hi")])
    threads.release.set()
    with pytest.raises(NotFound):
        await service.get(Principal("eve", "student"), thread["_id"])


async def test_a_failed_insert_reaches_the_next_use_of_the_thread(caplog: pytest.LogCaptureFixture) -> None:
    threads = HeldThreads()
    threads.error = RuntimeError("database down")
    service = ConversationService(threads)
    thread = await service.open(ADA, None, "Loops", None, [_message("hi")])
    threads.release.set()
    with pytest.raises(RuntimeError, match="database down"):
        await service.append(thread["_id"], [_message("answer")])
    assert "storing new thread" in caplog.text
    # Once it has failed, the thread is simply not there.
    with pytest.raises(NotFound):
        await service.get(ADA, thread["_id"])
