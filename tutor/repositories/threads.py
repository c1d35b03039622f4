"""``chat_threads``: one document per conversation, messages embedded in order."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow


class ThreadRepository(Repository):
    """Conversation threads of users."""

    async def of_user(self, user_id: str, limit: int = 50) -> list[Document]:
        """A user's threads, most recent first, without their messages."""
        return await self.find({"user_id": user_id}, sort=[("updated_at", -1)], limit=limit, projection={"messages": 0})

    async def all_of_user(self, user_id: str) -> list[Document]:
        """Every thread of a user with its messages, oldest first (for the user's own export)."""
        return await self.find({"user_id": user_id}, sort=[("created_at", 1), ("_id", 1)])

    async def append(self, thread_id: str, messages: list[dict[str, Any]], keep: int | None = None) -> bool:
        """Append messages and bump ``updated_at`` in one atomic update.

        Args:
            thread_id: The thread.
            messages: Messages to add at the end.
            keep: The thread's cap on live messages, if it has one.

        Returns:
            False when the thread certainly holds at most ``keep`` live messages afterwards (nothing
            to archive), True otherwise. The common case is one round trip: the update applies only
            while the thread has room (its ``messages`` array has no element at index
            ``keep - len(messages)``), and only a thread at its cap is updated a second time.
        """
        update = {
            "$push": {"messages": {"$each": messages}},
            "$set": {"updated_at": utcnow()},
            "$inc": {"message_count": len(messages)},
        }
        if keep is not None and len(messages) <= keep:
            room = {"_id": thread_id, f"messages.{keep - len(messages)}": {"$exists": False}}
            if (await self.collection.update_one(room, update)).matched_count:
                return False
        await self.collection.update_one({"_id": thread_id}, update)
        return True
