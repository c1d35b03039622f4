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

    async def append(self, thread_id: str, messages: list[dict[str, Any]]) -> None:
        """Append messages and bump ``updated_at`` in one atomic update."""
        await self.collection.update_one(
            {"_id": thread_id},
            {
                "$push": {"messages": {"$each": messages}},
                "$set": {"updated_at": utcnow()},
                "$inc": {"message_count": len(messages)},
            },
        )
