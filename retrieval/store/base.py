"""The chunk store interface: the durable source of truth for chunks and their vectors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from retrieval.types import Chunk


@dataclass(frozen=True, slots=True)
class CourseSnapshot:
    """Every chunk of one course with its vectors, as of one version stamp.

    Attributes:
        version: Stamp of the course's content when the snapshot was read (None: empty course).
        chunks: The chunks, in a stable order.
        embeddings: ``(len(chunks), dim)`` float32 unit vectors aligned with ``chunks``.
        parts: Optional sub-passage (sentence) vectors per chunk, aligned with ``chunks``; None
            for a chunk stored without them.
    """

    version: str | None
    chunks: list[Chunk]
    embeddings: np.ndarray
    parts: list[np.ndarray | None] = field(default_factory=list)


class ChunkStore(Protocol):
    """Durable storage of chunks and embeddings, partitioned by course.

    Every write changes the course's version stamp, so other processes can tell that their
    in-memory indexes are stale by comparing one short string.
    """

    def upsert(
        self,
        chunks: Sequence[Chunk],
        embeddings: np.ndarray,
        parts: Sequence[np.ndarray | None] | None = None,
    ) -> None:
        """Insert or overwrite chunks by id (idempotent); chunks may span several courses.

        ``parts`` optionally carries each chunk's sub-passage vectors, stored with the chunk.
        """
        ...

    def delete_document(self, course_id: str, document_id: str) -> int:
        """Delete every chunk of a document; returns how many were deleted."""
        ...

    def delete_course(self, course_id: str) -> None:
        """Delete every chunk of a course."""
        ...

    def count(self, course_id: str) -> int:
        """Number of chunks stored for a course."""
        ...

    def version(self, course_id: str) -> str | None:
        """Current version stamp of a course, None when it has no chunks stored."""
        ...

    def snapshot(self, course_id: str) -> CourseSnapshot:
        """Read every chunk and vector of a course (the stamp is read first)."""
        ...
