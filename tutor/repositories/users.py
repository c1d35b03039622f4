"""Users collection."""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from tutor.db import Document
from tutor.repositories.base import Repository, field_path
from tutor.schemas.common import utcnow


class UserRepository(Repository):
    """``users``: email (unique), password_hash, role, profile, timestamps."""

    async def by_email(self, email: str) -> Document | None:
        """The user with this (normalised) email."""
        return await self.collection.find_one({"email": email})

    async def update_profile(self, user_id: str, fields: dict[str, Any]) -> Document | None:
        """Set profile fields and bump ``updated_at``."""
        update = {field_path("profile", key): value for key, value in fields.items()}
        update["updated_at"] = utcnow()
        return await self.collection.find_one_and_update(
            {"_id": user_id}, {"$set": update}, return_document=ReturnDocument.AFTER
        )
