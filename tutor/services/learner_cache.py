"""A student's learner data kept in memory while their learner stamp says it is current.

A chat turn reads what the tutor knows of the student (progress, enrollments, the stored learner
model) on every message, although it rarely changes between messages. Each entry here is kept under
the ``learner_version`` it was read with (see :mod:`tutor.repositories.learner_stamp`); the session
check of each request reads the account's current version anyway, so an entry is used only while
the two agree. A write through this process also drops the entry at once, and an entry read while
such a write happened is not stored (the same rule as :mod:`tutor.services.account_cache`).

What may be served stale: a read-only request whose account came from the account cache (at most
``TUTOR_AUTH_CACHE_S``, 1 s, old) after a write through another process. Values are shared between
requests: callers must not change them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from tutor.db import Document
from tutor.repositories.enrollments import EnrollmentRepository
from tutor.repositories.progress import ProgressRepository
from tutor.repositories.recommendations import RecommendationRepository
from tutor.services.principal import Principal

MAX_STUDENTS = 20_000


class LearnerCache:
    """``user_id`` → ``(learner_version, {kind: value})``, least recently used dropped first."""

    def __init__(self, max_students: int = MAX_STUDENTS) -> None:
        self.max_students = max_students
        self._entries: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
        self._forgets = 0

    def mark(self) -> int:
        """Taken before a read; :meth:`put` with it stores nothing if a write was noticed meanwhile."""
        return self._forgets

    def get(self, user_id: str, version: int, kind: str) -> tuple[bool, Any]:
        """``(True, value)`` when ``kind`` is held for ``user_id`` under ``version``, else ``(False, None)``."""
        entry = self._entries.get(user_id)
        if entry is None or entry[0] != version or kind not in entry[1]:
            return False, None
        self._entries.move_to_end(user_id)
        return True, entry[1][kind]

    def put(self, user_id: str, version: int, kind: str, value: Any, mark: int) -> None:
        """Keep ``value`` as read under ``version`` (nothing if a write was noticed since ``mark``)."""
        if mark != self._forgets:
            return
        entry = self._entries.get(user_id)
        values = entry[1] if entry is not None and entry[0] == version else {}
        self._entries[user_id] = (version, {**values, kind: value})
        self._entries.move_to_end(user_id)
        while len(self._entries) > self.max_students:
            self._entries.popitem(last=False)

    def forget(self, user_ids: Iterable[str]) -> None:
        """Drop the entries of ``user_ids`` (their learner data was just written through this process)."""
        self._forgets += 1
        for user_id in user_ids:
            self._entries.pop(user_id, None)


class LearnerReads:
    """The signed-in student's own learner data, from :class:`LearnerCache` while it is current."""

    def __init__(
        self,
        cache: LearnerCache,
        progress: ProgressRepository,
        enrollments: EnrollmentRepository,
        recommendations: RecommendationRepository,
    ) -> None:
        self.cache = cache
        self.progress_repo = progress
        self.enrollments_repo = enrollments
        self.recommendations_repo = recommendations

    async def progress(self, principal: Principal) -> list[Document]:
        """Every progress document of the caller, most recently used first."""
        result: list[Document] = await self._read(principal, "progress", self.progress_repo.of_user)
        return result

    async def enrollments(self, principal: Principal) -> list[Document]:
        """The caller's active enrollments."""
        result: list[Document] = await self._read(principal, "enrollments", self.enrollments_repo.of_user)
        return result

    async def recommendations(self, principal: Principal) -> Document | None:
        """The caller's stored learner model, or None before the first refresh."""
        result: Document | None = await self._read(principal, "recommendations", self.recommendations_repo.of_user)
        return result

    async def _read(self, principal: Principal, kind: str, read: Callable[[str], Awaitable[Any]]) -> Any:
        version = principal.learner_version
        if version is None:  # not read by this request's session check: no way to know the entry is current
            return await read(principal.user_id)
        hit, value = self.cache.get(principal.user_id, version, kind)
        if hit:
            return value
        mark = self.cache.mark()
        value = await read(principal.user_id)
        self.cache.put(principal.user_id, version, kind, value, mark)
        return value
