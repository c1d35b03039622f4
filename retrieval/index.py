"""The in-memory search index of one course, built from a store snapshot.

It holds the passage vectors (exact dot-product search: a few thousand to a few hundred thousand
rows is a sub-millisecond to few-millisecond matrix product, and exact beats HNSW on recall), the
BM25 matrix, and optional sub-passage vectors for finer-grained dense scoring.
"""

from __future__ import annotations

import numpy as np

from retrieval.config import RetrievalConfig
from retrieval.lexical import BM25Index, BM25Params, analyze
from retrieval.store.base import CourseSnapshot
from retrieval.types import Chunk


class CourseIndex:
    """Lexical and dense scorers over every chunk of one course, rows aligned with ``chunks``."""

    def __init__(self, snapshot: CourseSnapshot, config: RetrievalConfig) -> None:
        """Build the index.

        Args:
            snapshot: The course's chunks and vectors, read from the store.
            config: Retrieval parameters.
        """
        self.version = snapshot.version
        self.chunks: list[Chunk] = snapshot.chunks
        self.embeddings = np.ascontiguousarray(snapshot.embeddings, dtype=np.float32)
        self.document_ids = np.array([c.document_id for c in self.chunks], dtype=object)
        self.lesson_ids = np.array([c.lesson_id or "" for c in self.chunks], dtype=object)
        self.parts, self.part_bounds = _stack_parts(snapshot.parts, len(self.chunks))

        def lexical_text(chunk: Chunk) -> str:
            if config.index_headings and chunk.heading_path:
                return " ".join(chunk.heading_path) + "\n" + chunk.text
            return chunk.text

        self.bm25 = BM25Index(
            [analyze(lexical_text(c)) for c in self.chunks], BM25Params(k1=config.k1, b=config.b)
        )

    def __len__(self) -> int:
        return len(self.chunks)

    def lexical_scores(self, terms: dict[str, float], idfs: dict[str, float] | None = None) -> np.ndarray:
        """BM25 score of every chunk for weighted query terms (with ``idfs`` in place of the course's own)."""
        return self.bm25.score_terms(terms, idfs)

    def dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine score of every chunk's whole-passage vector.

        ``einsum`` rather than ``@``: a matrix-vector product gains nothing from BLAS threads,
        and on a busy machine their start-up and barrier cost more than the product itself.
        """
        if len(self.chunks) == 0:
            return np.zeros(0, np.float32)
        scores: np.ndarray = np.einsum("ij,j->i", self.embeddings, query_vector.astype(np.float32))
        return scores

    def refine_dense(
        self, rows: np.ndarray, whole: np.ndarray, query_vector: np.ndarray, part_weight: float
    ) -> np.ndarray:
        """Mix the whole-passage scores of ``rows`` with their best sub-passage (sentence) score.

        A passage answering a narrow question often has one matching sentence among unrelated
        ones, which dilutes its mean-pooled vector; its best sentence's score restores the match.
        Only a short candidate list is refined, so the cost does not grow with the course.

        Args:
            rows: Chunk rows to refine.
            whole: Their whole-passage scores.
            query_vector: The query embedding.
            part_weight: Share of the best-sentence score.
        """
        if self.parts is None or part_weight <= 0 or rows.size == 0:
            return whole
        starts, ends = self.part_bounds[0][rows], self.part_bounds[1][rows]
        sizes = ends - starts
        if not sizes.any():
            return whole
        # Rows of every candidate's sentences, without a Python loop: each run start..end.
        run_offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
        gather = np.arange(int(sizes.sum())) + run_offsets
        part_scores = np.einsum("ij,j->i", self.parts[gather], query_vector.astype(np.float32))
        best = whole.copy()
        has = np.flatnonzero(sizes)
        offsets = np.concatenate([[0], np.cumsum(sizes[has])[:-1]])
        best[has] = np.maximum(whole[has], np.maximum.reduceat(part_scores, offsets))
        mixed: np.ndarray = (1 - part_weight) * whole + part_weight * best
        return mixed


def _stack_parts(
    parts: list[np.ndarray | None] | None, n: int
) -> tuple[np.ndarray | None, tuple[np.ndarray, np.ndarray]]:
    """Concatenate per-chunk part vectors; returns the matrix and each chunk's (start, end) rows."""
    sizes = np.zeros(n, np.int64)
    mats = []
    for i, p in enumerate(parts or []):
        if p is not None and len(p):
            sizes[i] = len(p)
            mats.append(np.asarray(p, np.float32))
    ends = np.cumsum(sizes)
    bounds = (ends - sizes, ends)
    if not mats:
        return None, bounds
    return np.ascontiguousarray(np.concatenate(mats)), bounds
