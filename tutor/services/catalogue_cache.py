"""The catalogue in memory: course outlines and whole courses, checked against each course's version.

Every user sees the same stored course, so the stored documents are what is cached; what a caller
may see of one (answer keys, lesson bodies, whether they are enrolled) is decided per request and
never cached.

Freshness. Every write to a course bumps its ``version`` (see :mod:`tutor.repositories.courses`).
A read is answered from memory when no course was written through this process since the last
check and that check started less than ``max_age_s`` ago; otherwise one small read of every
course's ``(_id, version, status)`` says which entries changed, and only those are read again.
So a write made through this process is seen by the next read here, and a write acknowledged by
another process (another API replica, the worker) is seen by every read that starts more than
``max_age_s`` (plus the duration of one check) after it. ``max_age_s=0`` checks on every read: never
stale, one small round trip per read.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Callable

import bson

from tutor.db import Document
from tutor.repositories.courses import CourseRepository, version_of
from tutor.services.course_state import is_live

DEFAULT_MAX_AGE_S = 1.0
# Whole courses (with lesson bodies and quizzes) kept, least recently read dropped first, within
# both a count and a budget of stored (BSON) bytes: a course may be up to 16 MiB.
MAX_DOCUMENTS = 256
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


class CatalogueCache:
    """Shared, read-only copies of the courses (callers must not mutate what they get)."""

    def __init__(
        self,
        courses: CourseRepository,
        max_age_s: float = DEFAULT_MAX_AGE_S,
        *,
        max_documents: int = MAX_DOCUMENTS,
        max_document_bytes: int = MAX_DOCUMENT_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.courses = courses
        self.max_age_s = max_age_s
        self.max_documents = max_documents
        self.max_document_bytes = max_document_bytes
        self.clock = clock
        self._versions: dict[str, int] = {}  # every course's version at the last check
        self._outlines: dict[str, Document] = {}  # live courses, without lesson bodies and quizzes
        self._documents: OrderedDict[str, tuple[Document, int]] = OrderedDict()  # with its size in bytes
        self._document_bytes = 0
        self._checked_at = -math.inf  # when the last finished check started
        self._seen_writes = -1  # this process's course writes when it started
        self._checks_started = 0
        self._checked_index = 0  # which check (in start order) the last finished one was
        self._check: asyncio.Task[None] | None = None
        self.generation = 0
        """Changes whenever :meth:`outlines` would answer differently (a course added, changed or gone)."""

    async def outlines(self) -> list[Document]:
        """Every live course, without lesson bodies and quizzes."""
        await self._fresh()
        return list(self._outlines.values())

    async def document(self, course_id: str) -> Document | None:
        """The stored course (live or being removed), or None when there is none."""
        await self._fresh()
        cached = self._documents.get(course_id)
        if cached is not None and self._versions.get(course_id) == version_of(cached[0]):
            self._documents.move_to_end(course_id)
            return cached[0]
        doc = await self.courses.get(course_id)
        self._forget(course_id)
        size = len(bson.encode(doc)) if doc is not None else 0
        if doc is not None and size <= self.max_document_bytes:  # one over the budget is never kept
            self._documents[course_id] = (doc, size)
            self._document_bytes += size
            while len(self._documents) > self.max_documents or self._document_bytes > self.max_document_bytes:
                self._forget(next(iter(self._documents)))
        return doc

    def _forget(self, course_id: str) -> None:
        dropped = self._documents.pop(course_id, None)
        if dropped is not None:
            self._document_bytes -= dropped[1]

    async def _fresh(self) -> None:
        """Return once a check covers every course write this process finished and is recent enough."""
        arrived = (self.clock(), self.courses.writes, self._checks_started)
        while not self._covers(*arrived):
            check = self._check
            if check is None or check.done() or check.get_loop() is not asyncio.get_running_loop():
                check = self._check = asyncio.get_running_loop().create_task(self._run_check())
                check.add_done_callback(_retrieve)  # its error reaches the waiters; never logged as lost
            # One check at a time; callers arriving meanwhile wait for it (and a request cancelled
            # while waiting does not cancel it). A check that started too early is followed by another.
            await asyncio.shield(check)

    def _covers(self, at: float, writes: int, checks: int) -> bool:
        """Whether the last check serves a read that arrived at ``at``, after ``writes`` and ``checks``."""
        if self._seen_writes < writes:
            return False  # a course was written here since that check started
        started_after = self._checked_index > checks
        return started_after or (self.max_age_s > 0 and self._checked_at >= at - self.max_age_s)

    async def _run_check(self) -> None:
        self._checks_started += 1
        index, started, writes = self._checks_started, self.clock(), self.courses.writes
        stamps = await self.courses.stamps()
        versions = {doc["_id"]: version_of(doc) for doc in stamps}
        live = {doc["_id"] for doc in stamps if is_live(doc)}
        outlines = {cid: doc for cid, doc in self._outlines.items() if cid in live and versions[cid] == version_of(doc)}
        changed = live - outlines.keys()
        if changed:
            outlines.update({doc["_id"]: doc for doc in await self.courses.outlines(changed) if is_live(doc)})
        for cid in [cid for cid, (doc, _) in self._documents.items() if versions.get(cid) != version_of(doc)]:
            self._forget(cid)
        if changed or outlines.keys() != self._outlines.keys():
            self.generation += 1
        self._versions, self._outlines = versions, outlines
        self._seen_writes, self._checked_at, self._checked_index = writes, started, index


def _retrieve(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()
