"""The chat-thread cap: a thread keeps its newest N messages live; older ones move to the archive.

Live messages are what the thread view shows and what the tutor model reads as history, so a long
conversation neither slows every turn nor grows one document without bound. Archived messages are kept,
not dropped: they belong to the student and are part of the student's data export
(:meth:`ThreadArchiveService.messages_of`), and they go when the thread or the account is deleted.
"""

from __future__ import annotations

from typing import Any

from tutor.repositories.thread_archive import ThreadArchiveRepository


class ThreadArchiveService:
    """Enforces the cap and reads the archive.

    Args:
        archive: The archive repository (which also moves messages out of the live thread).
        max_messages: Live messages kept per thread (``TUTOR_CHAT_MAX_MESSAGES``).
    """

    def __init__(self, archive: ThreadArchiveRepository, max_messages: int) -> None:
        self.archive = archive
        self.max_messages = max(2, max_messages)

    async def trim(self, thread_id: str) -> int:
        """Archive the oldest messages of a thread beyond the cap; how many moved."""
        return await self.archive.archive_overflow(thread_id, keep=self.max_messages)

    async def messages_of(self, user_id: str) -> list[dict[str, Any]]:
        """Every archived message of a user, oldest first per thread, each naming its thread.

        Each item is the stored message (``id``, ``role``, ``content``, ``created_at``...) plus
        ``thread_id``, ``thread_title``, ``course_id`` and ``archived_at``.
        """
        return [
            {
                **doc["message"],
                "thread_id": doc["thread_id"],
                "thread_title": doc.get("thread_title"),
                "course_id": doc.get("course_id"),
                "archived_at": doc.get("archived_at"),
            }
            for doc in await self.archive.of_user(user_id)
        ]

    async def forget_thread(self, thread_id: str) -> int:
        """Delete a thread's archived messages (the thread itself was deleted)."""
        return await self.archive.delete_thread(thread_id)

    async def forget_user(self, user_id: str) -> int:
        """Delete every archived message of a user (account deletion)."""
        return await self.archive.delete_user(user_id)
