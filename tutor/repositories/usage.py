"""``usage_daily`` (tokens per course, student, day and model) and ``usage_caps`` (the counters caps check)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from tutor.db import Document
from tutor.repositories.base import Repository

CAS_ATTEMPTS = 200  # compare-and-set retries of one counter update (each a few ms at most)
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
    nobody touched for a while come from turns that never settled (a crashed process): they are dropped.
    Every write is a compare-and-set on the counter's ``version`` (plain read-modify-write, no server-side
    pipeline), which holds on any MongoDB-compatible server under concurrent turns.
    """

    async def reserve(
        self, key: str, cap: int, tokens: int, now: datetime, stale_before: datetime, user_id: str | None
    ) -> int | None:
        """Reserve room for one turn on ``key`` if what is used and reserved there is under ``cap``.

        The turn reserves ``tokens``, or the largest turn settled on ``key`` when that is larger. A
        compare-and-set on the counter's ``version``: read, decide, write only if nobody wrote in between
        (else read again), so concurrent turns on any number of replicas never lose an update.

        Returns:
            The tokens reserved, or None when the cap is reached.
        """
        for attempt in range(CAS_ATTEMPTS):
            doc = await self._counter(key, now, user_id)
            fresh = doc.get("touched_at") is None or _aware(doc["touched_at"]) >= stale_before
            reserved = int(doc.get("reserved", 0)) if fresh else 0  # older reservations never settled
            if int(doc.get("used", 0)) + reserved >= cap:
                return None
            amount = max(tokens, int(doc.get("max_turn", 0)))
            changed = {"reserved": reserved + amount, "touched_at": now}
            if await self._swap(key, doc, changed):
                return amount
            await asyncio.sleep(0.001 * attempt)
        raise RuntimeError(f"cap counter {key} kept changing")

    async def settle(self, entries: list[tuple[str, int, int]]) -> None:
        """For each ``(key, used, reserved)``: add what a turn used and free what it had reserved."""
        for key, used, reserved in entries:
            for attempt in range(CAS_ATTEMPTS):
                doc = await self.collection.find_one({"_id": key})
                if doc is None:
                    break
                changed = {
                    "used": int(doc.get("used", 0)) + used,
                    "reserved": max(0, int(doc.get("reserved", 0)) - reserved),
                    "max_turn": max(int(doc.get("max_turn", 0)), used),
                }
                if await self._swap(key, doc, changed):
                    break
                await asyncio.sleep(0.001 * attempt)

    async def _counter(self, key: str, now: datetime, user_id: str | None) -> Document:
        """The counter ``key``, created empty if it does not exist yet."""
        doc = await self.collection.find_one({"_id": key})
        if doc is not None:
            return doc
        fresh = {"_id": key, "used": 0, "reserved": 0, "max_turn": 0, "version": 0, "touched_at": None,
                 "user_id": user_id}  # fmt: skip
        try:
            await self.collection.insert_one(fresh)
        except DuplicateKeyError:  # another turn created it first
            return await self.collection.find_one({"_id": key}) or fresh
        return fresh

    async def _swap(self, key: str, doc: Document, changed: dict[str, Any]) -> bool:
        """Write ``changed`` if the counter is still the version ``doc`` was read at."""
        version = int(doc.get("version", 0))
        result = await self.collection.update_one(
            {"_id": key, "version": version}, {"$set": {**changed, "version": version + 1}}
        )
        return result.modified_count == 1

    async def used(self, key: str) -> int:
        """Tokens used so far on ``key``."""
        doc = await self.collection.find_one({"_id": key}, projection={"used": 1})
        return int((doc or {}).get("used", 0))

    async def forget_student(self, user_id: str) -> int:
        """Delete a student's counters (account deletion)."""
        return await self.delete_many({"user_id": user_id})


def _aware(moment: datetime) -> datetime:
    """``moment`` with a time zone (UTC when it has none)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
