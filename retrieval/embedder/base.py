"""The embedder interface used by ingestion (documents) and search (queries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension.

    Implementations must be safe to call from several threads at once.
    """

    @property
    def dim(self) -> int:
        """Vector dimension."""
        ...

    @property
    def name(self) -> str:
        """Stable model name, stored beside the vectors so mixed models can be detected."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; returns a ``(len(texts), dim)`` float32 array with unit rows."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one search query; returns a ``(dim,)`` float32 unit vector."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed several queries at once; returns ``(len(texts), dim)``."""
        ...


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation as float32; zero rows stay zero."""
    arr = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(arr, axis=-1, keepdims=True)
    out: np.ndarray = np.divide(arr, norms, out=np.zeros_like(arr), where=norms > 0)
    return out
