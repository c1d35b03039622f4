"""Sessions collection: one document per login session, i.e. per refresh-token family."""

from __future__ import annotations

from datetime import datetime

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow


class SessionRepository(Repository):
    """``sessions``: user_id, current_jti, created_at, last_used_at, expires_at (TTL), revoked_at, revoked_reason.

    Only the newest refresh token of a family (``current_jti``) may be exchanged; every older one is
    spent. A TTL index on ``expires_at`` removes a session once its last refresh token has expired.
    """

    async def start(self, family_id: str, user_id: str, jti: str, expires_at: datetime) -> Document:
        """Record a new session whose first refresh token is ``jti``."""
        now = utcnow()
        doc = {
            "_id": family_id,
            "user_id": user_id,
            "current_jti": jti,
            "created_at": now,
            "last_used_at": now,
            "expires_at": expires_at,
            "revoked_at": None,
            "revoked_reason": None,
        }
        return await self.insert(doc)

    async def rotate(self, family_id: str, jti: str, new_jti: str, expires_at: datetime) -> Document | None:
        """Mark ``jti`` spent and make ``new_jti`` current, atomically.

        Returns the session, or None when ``jti`` is not the live current token of a live session
        (already spent, revoked, expired or unknown).
        """
        now = utcnow()
        return await self.collection.find_one_and_update(
            {"_id": family_id, "current_jti": jti, "revoked_at": None, "expires_at": {"$gt": now}},
            {"$set": {"current_jti": new_jti, "last_used_at": now, "expires_at": expires_at}},
        )

    async def revoke(self, family_id: str, reason: str) -> bool:
        """Revoke one session; whether it was live until now."""
        result = await self.collection.update_one(
            {"_id": family_id, "revoked_at": None}, {"$set": {"revoked_at": utcnow(), "revoked_reason": reason}}
        )
        return result.modified_count > 0

    async def revoke_user(self, user_id: str, reason: str) -> int:
        """Revoke every live session of a user; how many there were."""
        result = await self.collection.update_many(
            {"user_id": user_id, "revoked_at": None}, {"$set": {"revoked_at": utcnow(), "revoked_reason": reason}}
        )
        return result.modified_count
