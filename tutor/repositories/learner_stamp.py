"""``users.learner_version``: a per-student stamp that changes whenever what the tutor knows of the
student changes (progress, enrollments, the stored learner model).

Every write to those collections goes through a repository that calls :meth:`LearnerStamp.bump`
after the write. The session check reads the stamp with the account (one read it makes anyway), so
a process may keep a student's learner data in memory for as long as the stamp it was read under
is still the account's (see :mod:`tutor.services.learner_cache`): correct across replicas and
processes (the worker's learner-model refresh bumps it too), with no round trip per chat turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from tutor.db import Document
from tutor.repositories.base import Repository


class LearnerStamp:
    """Bumps ``learner_version`` on accounts; tells this process's listeners at once."""

    def __init__(self, users: AsyncCollection[Document]) -> None:
        self.users = users
        self.listeners: list[Callable[[list[str]], None]] = []

    async def bump(self, user_ids: Iterable[str]) -> None:
        """Record that the learner data of ``user_ids`` changed (call after the write)."""
        ids = sorted({str(u) for u in user_ids if u})
        if not ids:
            return
        await self.users.update_many({"_id": {"$in": ids}}, {"$inc": {"learner_version": 1}})
        for listener in self.listeners:
            listener(ids)


class StampedRepository(Repository):
    """A repository of learner data (documents with a ``user_id``): every write bumps the stamp, when one is set."""

    def __init__(self, collection: AsyncCollection[Document], stamp: LearnerStamp | None = None) -> None:
        super().__init__(collection)
        self.stamp = stamp

    async def changed(self, *user_ids: str) -> None:
        """Bump the learner stamp of ``user_ids`` (after a write)."""
        if self.stamp is not None:
            await self.stamp.bump(user_ids)

    async def insert(self, doc: Document, *, conflict_message: str = "already exists") -> Document:
        """Insert ``doc`` (see :meth:`Repository.insert`), then bump its student's stamp."""
        inserted = await super().insert(doc, conflict_message=conflict_message)
        await self.changed(str(doc.get("user_id") or ""))
        return inserted

    async def delete_many(self, query: dict[str, Any]) -> int:
        """Delete (see :meth:`Repository.delete_many`); only by ``user_id``, whose stamp is then bumped."""
        if not isinstance(query.get("user_id"), str):
            raise ValueError("learner data is deleted per student (a query with one user_id)")
        deleted = await super().delete_many(query)
        await self.changed(query["user_id"])
        return deleted

    async def update_many(self, query: dict[str, Any], update: dict[str, Any]) -> int:
        """Update (see :meth:`Repository.update_many`), then bump the stamps of every student it may have touched."""
        users = [str(u) for u in await self.collection.distinct("user_id", query)]
        modified = await super().update_many(query, update)
        await self.changed(*users)
        return modified
