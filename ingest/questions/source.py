"""A course's indexed chunks and the index's embedder, as question generation reads them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval.service import RetrievalService
from retrieval.types import Chunk


class IndexedCourse:
    """A course's chunks and the embedder, read from the retrieval service (what the job needs of it)."""

    def __init__(self, retrieval: RetrievalService) -> None:
        self.retrieval = retrieval

    def chunks_of(self, course_id: str) -> list[Chunk]:
        """Every indexed chunk of the course, in a stable order."""
        return list(self.retrieval.store.snapshot(course_id).chunks)

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """Unit vectors of ``texts`` (the index's own embedder)."""
        return self.retrieval.embedder.embed_documents(list(texts))

    def found(self, course_id: str, query: str, k: int) -> list[str]:
        """Ids of the top ``k`` chunks of the course search for ``query``."""
        return [hit.chunk.id for hit in self.retrieval.search(course_id, query, k=k)]
