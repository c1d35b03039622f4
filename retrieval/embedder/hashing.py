"""A tiny deterministic embedder for tests: hashed bag of stemmed words.

Texts sharing words get similar vectors, so ranking tests behave sensibly without loading a
neural model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from retrieval.embedder.base import l2_normalize
from tutor.text import analyze


class HashingEmbedder:
    """Feature-hashing embedder (signed buckets), deterministic across processes."""

    def __init__(self, dim: int = 64) -> None:
        """Create an embedder.

        Args:
            dim: Number of hash buckets (vector dimension).
        """
        self._dim = dim

    @property
    def dim(self) -> int:
        """Vector dimension."""
        return self._dim

    @property
    def name(self) -> str:
        """Model name."""
        return f"hashing-{self._dim}"

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self._dim, np.float32)
        for term in analyze(text):
            digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            vec[h % self._dim] += 1.0 if (h >> 32) & 1 else -1.0
        return vec

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages."""
        if not texts:
            return np.zeros((0, self._dim), np.float32)
        return l2_normalize(np.stack([self._one(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query."""
        vector: np.ndarray = self.embed_documents([text])[0]
        return vector

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed several queries."""
        return self.embed_documents(texts)
