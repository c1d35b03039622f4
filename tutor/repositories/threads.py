"""``chat_threads``: one document per conversation, messages embedded in order."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow


def review_update(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The update that counts ``messages`` written while conversation review was on into the thread's ``review_stats``.

    ``review_stats``: ``{"messages": n, "flags": [...], "flagged": bool, "last_at": datetime}``, what the
    course's review list sorts and filters on without reading any message.
    """
    shown = [m for m in messages if m.get("review", "off") != "off"]
    if not shown:
        return {}
    update: dict[str, Any] = {
        "$inc": {"review_stats.messages": len(shown)},
        "$set": {"review_stats.last_at": shown[-1]["created_at"]},
    }
    if any(m["review"] == "anonymized" for m in shown):
        update["$set"]["review_stats.anonymized"] = True  # its writer was told their name is hidden
    flags = sorted({flag for m in shown for flag in m.get("flags") or ()})
    if flags:
        update["$addToSet"] = {"review_stats.flags": {"$each": flags}}
        update["$set"]["review_stats.flagged"] = True
    return update


def review_summary(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The ``review_stats`` field of a new thread written with ``messages`` (None when none is reviewable)."""
    shown = [m for m in messages if m.get("review", "off") != "off"]
    if not shown:
        return None
    flags = sorted({flag for m in shown for flag in m.get("flags") or ()})
    return {
        "messages": len(shown),
        "flags": flags,
        "flagged": bool(flags),
        "last_at": shown[-1]["created_at"],
        "anonymized": any(m["review"] == "anonymized" for m in shown),
    }


class ThreadRepository(Repository):
    """Conversation threads of users."""

    async def of_user(self, user_id: str, limit: int = 50) -> list[Document]:
        """A user's threads, most recent first, without their messages."""
        return await self.find({"user_id": user_id}, sort=[("updated_at", -1)], limit=limit, projection={"messages": 0})

    async def all_of_user(self, user_id: str) -> list[Document]:
        """Every thread of a user with its messages, oldest first (for the user's own export)."""
        return await self.find({"user_id": user_id}, sort=[("created_at", 1), ("_id", 1)])

    async def reviewable(self, course_id: str, skip: int, limit: int) -> tuple[list[Document], int]:
        """A page of a course's threads with reviewable messages (flagged first, then latest), and their number."""
        query = {"course_id": course_id, "review_stats.messages": {"$gt": 0}}
        page = await self.find(
            query,
            sort=[("review_stats.flagged", -1), ("review_stats.last_at", -1), ("_id", 1)],
            skip=skip,
            limit=limit,
            projection={"messages": 0},
        )
        return page, await self.count(query)

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
        review = review_update(messages)
        update: dict[str, Any] = {
            "$push": {"messages": {"$each": messages}},
            "$set": {"updated_at": utcnow(), **review.get("$set", {})},
            "$inc": {"message_count": len(messages), **review.get("$inc", {})},
        }
        if "$addToSet" in review:
            update["$addToSet"] = review["$addToSet"]
        if keep is not None and len(messages) <= keep:
            room = {"_id": thread_id, f"messages.{keep - len(messages)}": {"$exists": False}}
            if (await self.collection.update_one(room, update)).matched_count:
                return False
        await self.collection.update_one({"_id": thread_id}, update)
        return True
