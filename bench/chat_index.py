"""Bench-side course index for ``bench.chat``: cached embeddings + an in-memory hybrid search.

Used when the retrieval package's ``RetrievalService`` is not importable; it mirrors its idea
(dense MiniLM + BM25, z-normalised convex fusion) so the local model is measured on realistic hits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.lexical.bm25 import BM25Index
from retrieval.lexical.tokenize import analyze
from retrieval.types import Chunk, SearchHit


def cached_embeddings(embedder: Any, texts: Sequence[str], cache_dir: Path, tag: str) -> np.ndarray:
    """Document embeddings of ``texts``, stored under ``cache_dir`` keyed by a hash of the texts."""
    digest = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    path = cache_dir / f"{tag}-{digest}.npy"
    if path.exists():
        return np.asarray(np.load(path), dtype=np.float32)
    vectors = np.asarray(embedder.embed_documents(list(texts)), dtype=np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def _z(scores: np.ndarray) -> np.ndarray:
    std = float(scores.std())
    return (scores - scores.mean()) / std if std > 1e-9 else np.zeros_like(scores)


class HybridIndex:
    """Dense + BM25 search over one course's chunks."""

    def __init__(self, chunks: Sequence[Chunk], vectors: np.ndarray, embedder: Any,
                 dense_weight: float = 0.4) -> None:
        self.chunks = list(chunks)
        self.vectors = vectors
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.bm25 = BM25Index([analyze(c.text) for c in self.chunks])

    def search(self, query: str, k: int) -> list[SearchHit]:
        """Top ``k`` hits by z-normalised convex fusion of cosine and BM25 scores."""
        q = np.asarray(self.embedder.embed_queries([query]), dtype=np.float32)[0]
        dense = self.vectors @ q
        fused = self.dense_weight * _z(dense) + (1 - self.dense_weight) * _z(self.bm25.score(query))
        top = np.argsort(-fused, kind="stable")[:k]
        return [SearchHit(self.chunks[i], float(fused[i]), rank,
                          {"dense": float(dense[i]), "fused": float(fused[i])}) for rank, i in enumerate(top)]


class IndexMaterialPort:
    """``MaterialPort`` over a :class:`HybridIndex` (one course, every user may read it)."""

    def __init__(self, index: HybridIndex) -> None:
        self.index = index

    async def search(self, user_id: str, query: str, course_id: str | None, k: int) -> list[SearchHit]:
        return self.index.search(query, k)
