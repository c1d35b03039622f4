"""``chat_archive``: messages moved out of a chat thread once it holds more than its cap.

A thread document keeps at most N live messages (what the thread view and the model's history read), so
it never grows toward MongoDB's 16 MiB document limit. Older messages are copied here first, one document
per message keyed by thread and message id, and only then pulled from the thread: a crash in between
leaves a message in both places (the next trim finishes the move), never in neither.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.repositories.threads import ThreadRepository
from tutor.schemas.common import utcnow


class ThreadArchiveRepository(Repository):
    """Archived messages of conversation threads.

    Args:
        collection: The ``chat_archive`` collection.
        threads: The live threads, from which overflowing messages are pulled.
    """

    def __init__(self, collection: AsyncCollection[Document], threads: ThreadRepository) -> None:
        super().__init__(collection)
        self.threads = threads

    async def archive_overflow(self, thread_id: str, keep: int) -> int:
        """Move the oldest messages of thread ``thread_id`` here until at most ``keep`` stay live.

        Returns:
            How many messages were moved.
        """
        counts = await self.threads.collection.find_one(
            {"_id": thread_id}, {"message_count": 1, "archived_count": 1, "user_id": 1}
        )
        if counts is None or counts.get("message_count", 0) - counts.get("archived_count", 0) <= keep:
            return 0
        thread = await self.threads.get(thread_id)
        if thread is None:
            return 0
        messages: list[dict[str, Any]] = thread.get("messages", [])
        overflow = [m for m in messages[: max(0, len(messages) - keep)] if m.get("id")]
        if not overflow:
            return 0
        now = utcnow()
        for message in overflow:
            await self.collection.update_one(
                {"_id": f"{thread_id}:{message['id']}"},
                {
                    "$setOnInsert": {
                        "thread_id": thread_id,
                        "user_id": thread["user_id"],
                        "course_id": thread.get("course_id"),
                        "thread_title": thread.get("title"),
                        "message": message,
                        "created_at": message.get("created_at") or now,
                        "archived_at": now,
                    }
                },
                upsert=True,
            )
        archived = await self.count({"thread_id": thread_id})
        await self.threads.collection.update_one(
            {"_id": thread_id},
            {"$pull": {"messages": {"id": {"$in": [m["id"] for m in overflow]}}}, "$set": {"archived_count": archived}},
        )
        return len(overflow)

    async def of_thread(self, thread_id: str) -> list[Document]:
        """Archived messages of one thread, oldest first."""
        return await self.find({"thread_id": thread_id}, sort=[("created_at", 1), ("_id", 1)])

    async def of_user(self, user_id: str) -> list[Document]:
        """Every archived message of a user's threads, by thread, oldest first (for the data export)."""
        return await self.find({"user_id": user_id}, sort=[("thread_id", 1), ("created_at", 1), ("_id", 1)])

    async def delete_thread(self, thread_id: str) -> int:
        """Forget the archived messages of a deleted thread; how many were removed."""
        result = await self.collection.delete_many({"thread_id": thread_id})
        return result.deleted_count

    async def delete_user(self, user_id: str) -> int:
        """Forget every archived message of a user (account deletion); how many were removed."""
        result = await self.collection.delete_many({"user_id": user_id})
        return result.deleted_count
