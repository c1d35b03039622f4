"""LTI records: registered platforms, login states, LMS identities and contexts, one-time launch codes."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from pymongo import ReturnDocument

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow


def digest(*parts: str) -> str:
    """A stable id for a tuple of strings (an LMS user, an LMS context, a one-time code)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class LtiPlatformRepository(Repository):
    """``lti_platforms``: issuer, client_id (unique together), deployment_ids, auth_login_url, auth_token_url,
    jwks_url, name, frame_origins (the LMS sites that frame the tool), created_at."""

    async def of_issuer(self, issuer: str, client_id: str | None = None) -> list[Document]:
        """The registrations of ``issuer`` (one client when ``client_id`` is given)."""
        query: dict[str, Any] = {"issuer": issuer}
        if client_id is not None:
            query["client_id"] = client_id
        return await self.find(query)

    async def update_fields(self, platform_id: str, fields: dict[str, Any]) -> None:
        """Set fields of one registration."""
        await self.collection.update_one({"_id": platform_id}, {"$set": fields})

    async def all(self) -> list[Document]:
        """Every registration, oldest first."""
        return await self.find({}, sort=[("created_at", 1)])

    async def remove(self, issuer: str, client_id: str) -> bool:
        """Delete one registration; whether it existed."""
        return (await self.collection.delete_one({"issuer": issuer, "client_id": client_id})).deleted_count > 0


class LtiStateRepository(Repository):
    """``lti_states``: one per login initiation: nonce, issuer, client_id, expires_at (TTL). Used once."""

    async def issue(self, state: str, fields: dict[str, Any], lifetime: timedelta) -> None:
        """Remember a login's ``state`` (with its nonce and platform) for ``lifetime``."""
        await self.insert({"_id": state, **fields, "expires_at": utcnow() + lifetime})

    async def consume(self, state: str) -> Document | None:
        """The login of ``state``, deleted as it is read (a second use finds nothing); None if unknown or expired."""
        return await self.collection.find_one_and_delete({"_id": state, "expires_at": {"$gt": utcnow()}})


class LtiIdentityRepository(Repository):
    """``lti_identities``: ``_id`` = digest(issuer, sub) → user_id, issuer, sub."""

    async def user_of(self, issuer: str, sub: str) -> str | None:
        """The account an LMS user was mapped to."""
        doc = await self.get(digest(issuer, sub))
        return str(doc["user_id"]) if doc else None

    async def link(self, issuer: str, sub: str, user_id: str) -> None:
        """Map an LMS user to an account."""
        await self.insert({"_id": digest(issuer, sub), "issuer": issuer, "sub": sub, "user_id": user_id,
                           "created_at": utcnow()})  # fmt: skip

    async def remove_user(self, user_id: str) -> int:
        """Forget every LMS identity of an account (account deletion)."""
        return (await self.collection.delete_many({"user_id": user_id})).deleted_count


class LtiContextRepository(Repository):
    """``lti_contexts``: ``_id`` = digest(issuer, client_id, deployment_id, context_id) → course_id, title,
    and the service endpoints the last launch announced (AGS line items, NRPS memberships)."""

    async def seen(self, key: str, fields: dict[str, Any]) -> Document:
        """Record a launch in the context ``key`` (created on first sight); the stored context."""
        now = utcnow()
        doc = await self.collection.find_one_and_update(
            {"_id": key},
            {"$set": {**fields, "updated_at": now}, "$setOnInsert": {"course_id": None, "created_at": now}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None
        return doc

    async def add_instructor(self, key: str, user_id: str) -> Document:
        """Note that ``user_id`` teaches in the context (only its instructors may link it to a course)."""
        doc = await self.collection.find_one_and_update(
            {"_id": key}, {"$addToSet": {"instructor_ids": user_id}}, return_document=ReturnDocument.AFTER
        )
        assert doc is not None
        return doc

    async def remove_instructor(self, key: str, user_id: str) -> None:
        """Note that ``user_id`` no longer teaches in the context (the LMS now gives them another role)."""
        await self.collection.update_one({"_id": key}, {"$pull": {"instructor_ids": user_id}})

    async def forget_instructor(self, user_id: str) -> None:
        """Remove a deleted account from every context's instructors."""
        await self.collection.update_many({"instructor_ids": user_id}, {"$pull": {"instructor_ids": user_id}})

    async def set_course(self, key: str, course_id: str) -> Document | None:
        """Link the context to a course; None when the context is unknown."""
        return await self.collection.find_one_and_update(
            {"_id": key},
            {"$set": {"course_id": course_id, "updated_at": utcnow()}},
            return_document=ReturnDocument.AFTER,
        )


class LtiCodeRepository(Repository):
    """``lti_codes``: one-time codes a launch page hands the web app; ``_id`` = digest(code), user_id, target,
    expires_at (TTL). Only the digest is stored, so a database read does not reveal a usable code."""

    async def issue(self, code: str, user_id: str, target: str, lifetime: timedelta) -> None:
        """Store a code for ``user_id`` that opens ``target`` in the web app."""
        await self.insert({"_id": digest(code), "user_id": user_id, "target": target,
                           "expires_at": utcnow() + lifetime})  # fmt: skip

    async def consume(self, code: str) -> Document | None:
        """The code's record, deleted in the same step; None when unknown, used or expired."""
        return await self.collection.find_one_and_delete({"_id": digest(code), "expires_at": {"$gt": utcnow()}})


class LtiDeepLinkRepository(Repository):
    """``lti_deep_links``: an instructor's pending deep-linking request (where to post the choice back),
    ``_id`` a random token, expires_at (TTL). Used once."""

    async def issue(self, link_id: str, fields: dict[str, Any], lifetime: timedelta) -> None:
        """Remember a deep-linking request for ``lifetime``."""
        await self.insert({"_id": link_id, **fields, "expires_at": utcnow() + lifetime})

    async def pending(self, link_id: str, user_id: str) -> Document | None:
        """The caller's live request ``link_id``."""
        return await self.collection.find_one({"_id": link_id, "user_id": user_id, "expires_at": {"$gt": utcnow()}})

    async def consume(self, link_id: str, user_id: str) -> Document | None:
        """The caller's live request, deleted as it is read."""
        return await self.collection.find_one_and_delete(
            {"_id": link_id, "user_id": user_id, "expires_at": {"$gt": utcnow()}}
        )


class LtiGradeLinkRepository(Repository):
    """``lti_grade_links``: where a launched student's score goes: ``_id`` = digest(user_id, line item URL),
    user_id, platform_id, sub, lineitem, course_id, lesson_id (None for the whole course), and the last
    passback's state (``pending``/``sent``/``failed``), score, error and attempts."""

    async def remember(self, link_id: str, fields: dict[str, Any]) -> None:
        """Create or refresh a grade link from a launch (its passback state is kept)."""
        now = utcnow()
        await self.collection.update_one(
            {"_id": link_id},
            {"$set": {**fields, "updated_at": now}, "$setOnInsert": {"state": "pending", "attempts": 0,
                                                                     "created_at": now}},
            upsert=True,
        )  # fmt: skip

    async def of_student(self, user_id: str, course_id: str) -> list[Document]:
        """The grade links of one student in one course."""
        return await self.find({"user_id": user_id, "course_id": course_id})

    async def of_course(self, course_id: str) -> list[Document]:
        """Every grade link of a course (the instructor's passback overview)."""
        return await self.find({"course_id": course_id}, sort=[("updated_at", -1)])

    async def exists_for(self, user_id: str, course_id: str) -> bool:
        """Whether the student has a grade link in the course (else there is nothing to pass back)."""
        return await self.collection.find_one({"user_id": user_id, "course_id": course_id}, {"_id": 1}) is not None

    async def record(self, link_id: str, fields: dict[str, Any], attempted: bool = True) -> None:
        """Record a passback's outcome."""
        update: dict[str, Any] = {"$set": {**fields, "updated_at": utcnow()}}
        if attempted:
            update["$inc"] = {"attempts": 1}
        await self.collection.update_one({"_id": link_id}, update)
