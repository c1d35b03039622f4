"""Per-course in-memory indexes kept in step with the store by version stamps.

The store (chroma) is the single source of truth, shared by every process: the Celery worker
writes to it, the API reads. Each process keeps a :class:`CourseIndex` per course tagged with the
version stamp it was built from; every search reads the course's current stamp (one cheap metadata
lookup) and rebuilds the index when it changed. A write in any process therefore shows up in every
other process's next search, with no cache-invalidation messages.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from retrieval.config import RetrievalConfig
from retrieval.index import CourseIndex
from retrieval.store.base import ChunkStore


class IndexCache:
    """Thread-safe map course id -> :class:`CourseIndex`, rebuilt when the stamp moves."""

    def __init__(self, store: ChunkStore, config: RetrievalConfig, max_courses: int = 64) -> None:
        """Create an empty cache over ``store`` holding at most ``max_courses`` indexes."""
        self._store = store
        self._config = config
        self._max = max_courses
        self._indexes: OrderedDict[str, CourseIndex] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock_for(self, course_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(course_id, threading.Lock())

    def get(self, course_id: str) -> CourseIndex | None:
        """The up-to-date index of a course, or None when the course has no chunks stored."""
        version = self._store.version(course_id)
        if version is None:
            self._indexes.pop(course_id, None)
            return None
        cached = self._indexes.get(course_id)
        if cached is not None and cached.version == version:
            return cached
        # One rebuild per course at a time; concurrent searches wait for it rather than repeat it.
        with self._lock_for(course_id):
            cached = self._indexes.get(course_id)
            if cached is not None and cached.version == self._store.version(course_id):
                return cached
            snapshot = self._store.snapshot(course_id)
            if snapshot.version is None:
                self._indexes.pop(course_id, None)
                return None
            index = CourseIndex(snapshot, self._config)
            with self._guard:
                self._indexes[course_id] = index
                self._indexes.move_to_end(course_id)
                while len(self._indexes) > self._max:  # least recently rebuilt course goes first
                    self._indexes.popitem(last=False)
            return index

    def drop(self, course_id: str) -> None:
        """Forget a course's index (it is rebuilt on next use)."""
        self._indexes.pop(course_id, None)
