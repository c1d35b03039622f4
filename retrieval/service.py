"""The retrieval facade used by ingestion (writes) and the agent/API (search).

Synchronous by design: async callers run calls on the bounded CPU pool (``tutor.cpu.run_cpu``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.cache import IndexCache
from retrieval.config import DEFAULT_CONFIG, RetrievalConfig
from retrieval.coverage import TermCoverage, term_coverage
from retrieval.embedder.base import Embedder
from retrieval.embedder.parts import PartsSource
from retrieval.hybrid import Mode, rank, rank_many
from retrieval.query import ParsedQuery, parse_query, verbatim_query
from retrieval.store.base import ChunkStore
from retrieval.store.chroma import ChromaChunkStore, make_client
from retrieval.types import Chunk, SearchHit


class RetrievalService:
    """Index and search course material (hybrid BM25 + dense, with citations).

    Attributes:
        embedder: The embedder whose vectors the store holds (ingestion embeds with it).
        store: The durable chunk store.
        config: Search parameters.
    """

    def __init__(
        self, store: ChunkStore, embedder: Embedder, config: RetrievalConfig = DEFAULT_CONFIG
    ) -> None:
        """Wire a service from its parts (see :meth:`create` for the usual construction)."""
        self.store = store
        self.embedder = embedder
        self.config = config
        self._cache = IndexCache(store, config)

    @classmethod
    def create(
        cls,
        persist_dir: Path | None = None,
        chroma_url: str | None = None,
        embedder: Embedder | None = None,
        config: RetrievalConfig = DEFAULT_CONFIG,
    ) -> RetrievalService:
        """Build a service on chroma.

        Args:
            persist_dir: Directory of the local chroma store (used when ``chroma_url`` is None).
            chroma_url: URL of a chroma server (``http://host:port``); wins over ``persist_dir``.
            embedder: Embedder; defaults to MiniLM (loaded lazily on first use).
            config: Search parameters.
        """
        if embedder is None:
            from retrieval.embedder.minilm import MiniLMEmbedder

            embedder = MiniLMEmbedder()
        store = ChromaChunkStore(make_client(persist_dir=persist_dir, chroma_url=chroma_url))
        return cls(store, embedder, config)

    def add_chunks(self, chunks: Sequence[Chunk], embeddings: np.ndarray | None = None) -> None:
        """Insert or replace chunks (by id) in the store and, through it, every process's index.

        Args:
            chunks: Chunks to index (any courses).
            embeddings: Their vectors from ``self.embedder.embed_documents``; computed when None.
        """
        if not chunks:
            return
        texts = [c.text for c in chunks]
        if embeddings is None:
            embeddings = self.embedder.embed_documents(texts)
        vectors = np.asarray(embeddings, dtype=np.float32)
        if vectors.shape != (len(chunks), self.embedder.dim):
            raise ValueError(f"expected embeddings of shape {(len(chunks), self.embedder.dim)}")
        parts = self.embedder.take_parts(texts) if isinstance(self.embedder, PartsSource) else None
        self.store.upsert(chunks, vectors, parts)

    def delete_document(self, course_id: str, document_id: str) -> int:
        """Remove every chunk of a document; returns how many were removed."""
        return self.store.delete_document(course_id, document_id)

    def delete_course(self, course_id: str) -> None:
        """Remove every chunk of a course."""
        self.store.delete_course(course_id)
        self._cache.drop(course_id)

    def count(self, course_id: str) -> int:
        """Number of chunks indexed for a course."""
        return self.store.count(course_id)

    def search(
        self,
        course_id: str,
        query: str,
        k: int = 5,
        lesson_id: str | None = None,
        mode: Mode = "hybrid",
    ) -> list[SearchHit]:
        """Find the passages of a course that best answer ``query``.

        Args:
            course_id: Only this course's chunks are searched.
            query: The question, as typed or spoken (self-corrections are cleaned up, ordinary
                uses of words like "no" or "wait" are left alone).
            k: Number of hits.
            lesson_id: Restrict to chunks attached to this lesson.
            mode: ``hybrid`` (default); ``lexical`` or ``dense`` alone serve as baselines.

        Returns:
            Up to ``k`` hits, best first, at most ``config.max_per_document`` per document; each
            carries citation metadata via ``hit.chunk.citation()`` / ``hit.to_dict()``.
        """
        if not query.strip():
            return []
        index = self._cache.get(course_id)
        if index is None:
            return []
        vector = None if mode == "lexical" else self.embedder.embed_query(query)
        return rank(index, self._parse(query), vector, k, self.config, lesson_id, mode)

    def search_many(self, course_ids: Sequence[str], query: str, k: int = 5) -> list[SearchHit]:
        """:meth:`search` over several courses as one collection (best ``k`` overall).

        Scores are standardised over every searched passage (see :func:`~retrieval.hybrid.rank_many`),
        so they compare across courses; the query is embedded once.
        """
        if not query.strip():
            return []
        indexes = [index for index in (self._cache.get(c) for c in course_ids) if index is not None]
        if not indexes:
            return []
        return rank_many(indexes, self._parse(query), self.embedder.embed_query(query), k, self.config)

    def _parse(self, query: str) -> ParsedQuery:
        """The query's words, self-corrections cleaned up unless the config turns that off."""
        return parse_query(query) if self.config.clean_disfluencies else verbatim_query(query)

    def term_coverage(self, course_id: str, text: str) -> list[TermCoverage]:
        """How many passages of the course use each content word of ``text`` (typos tolerated).

        Returns:
            One entry per distinct content word, in order; empty when the course has no material.
        """
        index = self._cache.get(course_id)
        if index is None:
            return []
        return term_coverage(index.bm25, text)
