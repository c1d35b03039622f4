"""``usage_daily`` (tokens per course, student, day and model) and ``usage_caps`` (the counters caps check)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument, UpdateOne

from tutor.db import Document
from tutor.repositories.base import Repository

COUNTED = ("messages", "prompt_tokens", "completion_tokens", "billable_tokens")


class UsageRepository(Repository):
    """One document per (course, student, UTC day, model), counted up by every assistant turn."""

    async def add(self, course_id: str, user_id: str, day: str, model: str, counts: dict[str, int]) -> None:
        """Add one turn's counts (``COUNTED`` keys) to its day."""
        key = {"course_id": course_id, "user_id": user_id, "day": day, "model": model}
        await self.collection.update_one(
            {"_id": "|".join((course_id, user_id, day, model))},
            {"$setOnInsert": key, "$inc": {k: int(counts.get(k, 0)) for k in COUNTED}},
            upsert=True,
        )

    async def of_course(self, course_id: str, first_day: str, last_day: str) -> list[Document]:
        """A course's day documents from ``first_day`` to ``last_day`` (ISO dates, inclusive)."""
        return await self.find({"course_id": course_id, "day": {"$gte": first_day, "$lte": last_day}})

    async def of_student(self, user_id: str, course_id: str | None = None, day: str | None = None) -> list[Document]:
        """A student's day documents (in one course, on one day, when given)."""
        query: dict[str, Any] = {"user_id": user_id}
        if course_id is not None:
            query["course_id"] = course_id
        if day is not None:
            query["day"] = day
        return await self.find(query)

    async def forget_student(self, user_id: str) -> int:
        """Delete a student's usage (account deletion)."""
        return await self.delete_many({"user_id": user_id})


class CapCounterRepository(Repository):
    """LLM tokens used and reserved per cap period: ``s|course|user|day`` and ``c|course|month``.

    A turn reserves tokens before it asks the LLM, and only while ``used + reserved`` is under the cap;
    it settles (adds what it used, frees what it reserved) when it ends. Reservations of a counter
    nobody touched for ``stale_s`` come from turns that never settled (a crashed process): they are dropped.
    """

    async def reserve(
        self, key: str, cap: int, tokens: int, now: datetime, stale_before: datetime, user_id: str | None
    ) -> int | None:
        """Reserve room for one turn on ``key`` if what is used and reserved there is under ``cap``.

        The turn reserves ``tokens``, or the largest turn settled on ``key`` when that is larger.

        Returns:
            The tokens reserved, or None when the cap is reached.
        """
        fresh = {"$gte": [{"$ifNull": ["$touched_at", stale_before]}, stale_before]}
        amount = {"$max": [tokens, {"$ifNull": ["$max_turn", 0]}]}
        pipeline: list[dict[str, Any]] = [
            {"$set": {
                "reserved": {"$cond": [fresh, {"$ifNull": ["$reserved", 0]}, 0]},
                "used": {"$ifNull": ["$used", 0]},
                "user_id": user_id,
            }},
            {"$set": {"granted": {"$cond": [
                {"$lt": [{"$add": ["$used", "$reserved"]}, cap]}, amount, None
            ]}}},
            {"$set": {
                "reserved": {"$add": ["$reserved", {"$ifNull": ["$granted", 0]}]},
                "touched_at": {"$cond": [{"$eq": ["$granted", None]}, {"$ifNull": ["$touched_at", now]}, now]},
            }},
        ]  # fmt: skip
        doc = await self.collection.find_one_and_update(
            {"_id": key}, pipeline, upsert=True, return_document=ReturnDocument.AFTER
        )
        granted = (doc or {}).get("granted")
        return int(granted) if granted is not None else None

    async def settle(self, entries: list[tuple[str, int, int]]) -> None:
        """For each ``(key, used, reserved)``: add what a turn used and free what it had reserved."""
        if entries:
            await self.collection.bulk_write(
                [
                    UpdateOne({"_id": key}, {"$inc": {"used": used, "reserved": -reserved}, "$max": {"max_turn": used}})
                    for key, used, reserved in entries
                ],
                ordered=False,
            )

    async def used(self, key: str) -> int:
        """Tokens used so far on ``key``."""
        doc = await self.collection.find_one({"_id": key}, projection={"used": 1})
        return int((doc or {}).get("used", 0))

    async def forget_student(self, user_id: str) -> int:
        """Delete a student's counters (account deletion)."""
        return await self.delete_many({"user_id": user_id})
