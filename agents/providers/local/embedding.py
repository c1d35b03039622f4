"""The embedder the local model needs (satisfied by the retrieval package's ``Embedder``)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray


class QueryEmbedder(Protocol):
    """Anything with ``embed_queries`` returning one vector per text."""

    def embed_queries(self, texts: Sequence[str]) -> Any:
        """Embed short texts; returns a 2-D array-like of shape (len(texts), dim)."""
        ...


def unit_vectors(embedder: QueryEmbedder, texts: Sequence[str]) -> NDArray[np.float32]:
    """Embed ``texts`` and L2-normalise the rows (so dot products are cosines)."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(embedder.embed_queries(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: NDArray[np.float32] = vectors / np.maximum(norms, 1e-12)
    return normalised


def everyday_words(embedder: object) -> frozenset[str]:
    """The words an embedder's tokenizer holds whole (``vocabulary()``), or an empty set when it has none."""
    get = getattr(embedder, "vocabulary", None)
    return frozenset(get()) if callable(get) else frozenset()


class CachedQueryEmbedder:
    """LRU cache in front of an embedder: a question is embedded for routing and again for answer
    scoring, and the same course sentences come back turn after turn."""

    def __init__(self, inner: QueryEmbedder, capacity: int = 8192) -> None:
        """Wrap ``inner``, keeping at most ``capacity`` vectors."""
        self.inner = inner
        self.capacity = capacity
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def vocabulary(self) -> frozenset[str]:
        """The inner embedder's whole-word vocabulary (see :func:`everyday_words`)."""
        return everyday_words(self.inner)

    def embed_queries(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Vectors for ``texts``; only unseen texts reach the inner embedder."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            fresh = np.asarray(self.inner.embed_queries(missing), dtype=np.float32)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > self.capacity:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                vector = self._cache.get(text)
                if vector is None:  # evicted by a concurrent caller meanwhile: embed it again
                    vector = np.asarray(self.inner.embed_queries([text]), dtype=np.float32)[0]
                else:
                    self._cache.move_to_end(text)
                rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, 1), dtype=np.float32)
