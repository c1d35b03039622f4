"""``job_leases``: at most one run at a time of a background job, whichever worker or command starts it."""

from __future__ import annotations

from datetime import timedelta

from pymongo.errors import DuplicateKeyError

from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow


class JobLeaseRepository(Repository):
    """A lease per job name; it expires by itself, so a run that died never blocks the next one for long."""

    async def acquire(self, name: str, holder: str, ttl_s: float) -> bool:
        """Take the lease of ``name`` for ``ttl_s`` seconds; False when another holder has it."""
        now = utcnow()
        try:
            await self.collection.update_one(
                {"_id": name, "$or": [{"expires_at": {"$lt": now}}, {"holder": holder}]},
                {"$set": {"holder": holder, "expires_at": now + timedelta(seconds=ttl_s), "taken_at": now}},
                upsert=True,
            )
        except DuplicateKeyError:  # the lease exists and is held by someone else
            return False
        return True

    async def release(self, name: str, holder: str) -> None:
        """Give the lease back (only if ``holder`` still has it)."""
        await self.collection.delete_one({"_id": name, "holder": holder})
