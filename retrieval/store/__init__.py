"""Chunk stores: the :class:`ChunkStore` protocol and the chromadb implementation."""

from retrieval.store.base import ChunkStore, CourseSnapshot

__all__ = ["ChunkStore", "CourseSnapshot"]
