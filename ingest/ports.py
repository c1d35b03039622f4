"""What ingestion needs from retrieval, as structural protocols.

``retrieval.service.RetrievalService`` satisfies :class:`RetrievalPort` without importing this module;
tests use an in-memory fake.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from retrieval.types import Chunk


class DocumentEmbedder(Protocol):
    """Embeds passages (documents, not queries) in batches."""

    def embed_documents(self, texts: list[str]) -> np.ndarray[Any, Any]:
        """One row per text."""
        ...


class RetrievalPort(Protocol):
    """The index side of ingestion: upsert chunks by id, delete a document's chunks."""

    @property
    def embedder(self) -> DocumentEmbedder:
        """The embedder whose vectors the index stores."""
        ...

    def add_chunks(self, chunks: list[Chunk], embeddings: np.ndarray[Any, Any] | None = None) -> object:
        """Insert or replace (by ``Chunk.id``) chunks in every index."""
        ...

    def delete_document(self, course_id: str, document_id: str) -> object:
        """Remove every chunk of a document from every index."""
        ...


@runtime_checkable
class CountsChunks(Protocol):
    """Optional: an index that can count a course's chunks (lets ingestion skip deletes in an empty course)."""

    def count(self, course_id: str) -> int:
        """Number of chunks stored for ``course_id``."""
        ...
