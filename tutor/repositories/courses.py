"""Courses collection: one document per course with its modules, lessons and quizzes embedded.

Every write here bumps the course's ``version`` (the catalogue cache of other processes compares
versions, see :mod:`tutor.services.catalogue_cache`) and this repository's :attr:`CourseRepository.writes`
(the cache of this process rechecks at once). Code outside this class must not write ``courses``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow
from tutor.services.course_state import LIVE

# What a catalogue entry needs: no lesson bodies, no quizzes.
OUTLINE: dict[str, Any] = {"modules.lessons.content": 0, "modules.lessons.quiz": 0}


def version_of(course: Document) -> int:
    """The course's version (0 for a document stored before versions existed)."""
    return int(course.get("version", 0))


class CourseRepository(Repository):
    """``courses``; structural edits use optimistic concurrency on ``version``.

    Attributes:
        writes: Writes this instance has finished (counted after each one, even a failed one).
    """

    too_large_message = (
        "the course is too large to store: its modules, lessons and quizzes together must stay under 16 MiB "
        "(upload long texts as course materials instead, or split the course)"
    )

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        super().__init__(collection)
        self.writes = 0

    @contextmanager
    def _write(self) -> Iterator[None]:
        # Counted after the write: a cache check that started before it lands sees the count move.
        try:
            yield
        finally:
            self.writes += 1

    async def stamps(self) -> list[Document]:
        """``_id``, ``version`` and ``status`` of every course: the one small read the catalogue cache checks."""
        return await self.find({}, projection={"version": 1, "status": 1})

    async def outlines(self, course_ids: Iterable[str]) -> list[Document]:
        """The given courses without lesson bodies and quizzes (unknown ids are skipped)."""
        ids = sorted(set(course_ids))
        if not ids:  # nothing can match: no round trip (a student with no courses yet, on every chat turn)
            return []
        return await self.find({"_id": {"$in": ids}}, projection=OUTLINE)

    async def status_of(self, course_id: str) -> Document | None:
        """Only ``_id`` and ``status`` of a course (None when it does not exist): a cheap liveness check."""
        return await self.collection.find_one({"_id": course_id}, {"status": 1})

    async def live_outlines(self, course_ids: Iterable[str] | None = None) -> list[Document]:
        """Outlines (see :meth:`outlines`) of every live course, or of the live ones among ``course_ids``."""
        if course_ids is None:
            return await self.find(dict(LIVE), projection=OUTLINE)
        ids = sorted(set(course_ids))
        if not ids:  # nothing can match: no round trip
            return []
        return await self.find({"_id": {"$in": ids}, **LIVE}, projection=OUTLINE)

    async def live_taught_by(self, instructor_id: str) -> list[Document]:
        """``skills`` and ``duration_hours`` of the live courses ``instructor_id`` teaches."""
        return await self.find({"instructor_id": instructor_id, **LIVE}, projection={"skills": 1, "duration_hours": 1})

    async def insert(self, doc: Document, *, conflict_message: str = "already exists") -> Document:
        """Insert a course (see :meth:`Repository.insert`)."""
        with self._write():
            return await super().insert(doc, conflict_message=conflict_message)

    async def delete(self, doc_id: str) -> bool:
        """Delete a course document (the last step of a removal, once it is hidden)."""
        with self._write():
            return await super().delete(doc_id)

    async def delete_many(self, query: dict[str, Any]) -> int:
        """Delete every course matching ``query``."""
        with self._write():
            return await super().delete_many(query)

    async def update_many(self, query: dict[str, Any], update: dict[str, Any]) -> int:
        """Apply ``update`` to every course matching ``query``, bumping each one's version."""
        bump = {**update, "$inc": {**update.get("$inc", {}), "version": 1}}
        with self._write():
            return await super().update_many(query, bump)

    async def replace_if_version(self, course: Document, expected_version: int) -> Document | None:
        """Store ``course`` only if nobody changed it since ``expected_version`` was read.

        Raises:
            TooLarge: the course would exceed MongoDB's 16 MiB document limit.
        """
        course = {**course, "version": expected_version + 1, "updated_at": utcnow()}
        with self._write(), self.size_checked():
            result = await self.collection.replace_one({"_id": course["_id"], "version": expected_version}, course)
        return course if result.modified_count == 1 else None

    async def set_fields(self, course_id: str, fields: dict[str, Any]) -> Document | None:
        """Set top-level fields and bump the version."""
        with self._write():
            return await self.collection.find_one_and_update(
                {"_id": course_id},
                {"$set": {**fields, "updated_at": utcnow()}, "$inc": {"version": 1}},
                return_document=ReturnDocument.AFTER,
            )

    async def add_enrollment(self, course_id: str, delta: int) -> None:
        """Adjust the denormalised enrollment counter.

        The version moves too: the catalogue shows the counter, and a concurrent structural edit
        (:meth:`replace_if_version`, which stores the whole document) retries instead of writing back
        the count it read.
        """
        with self._write():
            await self.collection.update_one({"_id": course_id}, {"$inc": {"enrollments": delta, "version": 1}})
