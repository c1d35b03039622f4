"""The credential fields of the ``users`` collection: password hash and session version.

Kept apart from :mod:`tutor.repositories.users` (profile and lookup) so that the secrets of an
account are read and written in one small place.
"""

from __future__ import annotations

from pymongo import ReturnDocument

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow


class CredentialRepository(Repository):
    """``users``: ``password_hash`` and ``session_version`` (absent means 0)."""

    async def session_version(self, user_id: str) -> int | None:
        """The user's session version, or None when the account does not exist."""
        doc = await self.session_account(user_id)
        if doc is None:
            return None
        return int(doc.get("session_version", 0))

    async def session_account(self, user_id: str) -> Document | None:
        """``session_version`` (absent means 0), ``email``, ``profile.full_name`` and ``learner_version`` of a
        user, or None.

        What every authenticated request reads: the session check, the caller's name and learner stamp in one read.
        """
        return await self.collection.find_one(
            {"_id": user_id}, {"session_version": 1, "email": 1, "profile.full_name": 1, "learner_version": 1}
        )

    async def set_password(self, user_id: str, password_hash: str) -> int | None:
        """Store a new password hash and bump the session version; the new version (None: no such user)."""
        doc = await self.collection.find_one_and_update(
            {"_id": user_id},
            {"$set": {"password_hash": password_hash, "updated_at": utcnow()}, "$inc": {"session_version": 1}},
            projection={"session_version": 1},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else int(doc["session_version"])
