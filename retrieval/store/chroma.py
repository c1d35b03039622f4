"""Chunk store on chromadb: one collection per course, explicit embeddings only.

Each course lives in its own collection, so a search can never see another course's chunks and
deleting a course is one call. The collection's metadata carries a version stamp that changes on
every write; readers in other processes compare it to decide whether to reload.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlparse

import chromadb
import httpx
import numpy as np
from chromadb.config import Settings
from chromadb.errors import NotFoundError

from retrieval.store.base import CourseSnapshot
from retrieval.store.codec import (
    PARTS_KEY,
    chunk_from_record,
    chunk_to_metadata,
    decode_parts,
    encode_parts,
)
from retrieval.types import Chunk
from tutor.errors import Unavailable

_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]+")
_PAGE = 5000


def collection_name(course_id: str) -> str:
    """A valid chroma collection name (3-512 chars of ``[a-zA-Z0-9._-]``) unique per course.

    A readable slug helps when browsing the store; the hash keeps distinct ids distinct after
    the slug drops characters.
    """
    slug = _UNSAFE.sub("-", course_id).strip("-_")[:48]
    digest = hashlib.sha256(course_id.encode()).hexdigest()[:16]
    return f"course-{slug}-{digest}" if slug else f"course-{digest}"


class StoreUnavailable(Unavailable):
    """The vector store server can't be reached (a 503 for the API; the chat says so in a notice)."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__("the course material can't be reached right now; try again shortly")
        self.cause = cause


P = ParamSpec("P")
R = TypeVar("R")


def unreachable_as_unavailable(method: Callable[P, R]) -> Callable[P, R]:
    """Turn a transport failure talking to the chroma server into :class:`StoreUnavailable`.

    Without this, a dead or restarting server surfaces as ``httpx.ConnectError`` from deep inside
    chromadb, which a caller cannot tell from a bug. Errors the server answers (a bad request, a
    missing collection) pass through unchanged.
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except httpx.TransportError as exc:
            raise StoreUnavailable(exc) from exc

    return wrapper


class LazyClient:
    """A chroma HTTP client created on first use, and created again after a failed attempt.

    ``chromadb.HttpClient`` contacts the server when it is constructed; building it lazily lets the
    API start (and answer everything else) while the vector store is down, and reconnect once it is
    back. Each search then fails on its own, and the tutor says it can't reach the material.
    """

    def __init__(self, factory: Callable[[], Any]) -> None:
        """Wrap a client factory."""
        self._factory = factory
        self._client: Any = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    try:
                        self._client = self._factory()
                    except Exception as exc:  # chroma reports "could not connect" as a ValueError
                        raise StoreUnavailable(exc) from exc
        return getattr(self._client, name)


def make_client(persist_dir: Path | None = None, chroma_url: str | None = None) -> Any:
    """A chroma client: HTTP when a URL is given, else persistent in ``persist_dir``."""
    settings = Settings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        port = url.port or (443 if url.scheme == "https" else 8000)
        return LazyClient(
            lambda: chromadb.HttpClient(
                host=url.hostname or "127.0.0.1", port=port, ssl=url.scheme == "https", settings=settings
            )
        )
    if persist_dir is None:
        raise ValueError("either persist_dir or chroma_url is required")
    Path(persist_dir).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(persist_dir), settings=settings)


class ChromaChunkStore:
    """:class:`~retrieval.store.base.ChunkStore` backed by a chroma client."""

    def __init__(self, client: Any) -> None:
        """Wrap a chroma client (``PersistentClient`` or ``HttpClient``)."""
        self._client = client

    def _collection(self, course_id: str, create: bool = False) -> Any | None:
        name = collection_name(course_id)
        if create:
            # embedding_function=None: chroma's default one downloads a model; we always
            # pass vectors ourselves.
            return self._client.get_or_create_collection(
                name,
                embedding_function=None,
                metadata={"course_id": course_id, "version": uuid.uuid4().hex},
                configuration={"hnsw": {"space": "cosine"}},
            )
        try:
            return self._client.get_collection(name, embedding_function=None)
        except NotFoundError:  # a missing collection; an unreachable server raises on
            return None
        except ValueError as exc:  # older clients report a missing collection this way
            if "does not exist" in str(exc):
                return None
            raise

    def _bump(self, collection: Any, course_id: str) -> None:
        collection.modify(metadata={"course_id": course_id, "version": uuid.uuid4().hex})

    @unreachable_as_unavailable
    def upsert(
        self,
        chunks: Sequence[Chunk],
        embeddings: np.ndarray,
        parts: Sequence[np.ndarray | None] | None = None,
    ) -> None:
        """Insert or overwrite chunks by id; chunks may span several courses.

        Sub-passage vectors travel in the chunk's own metadata, so they are written, replaced and
        deleted atomically with it.
        """
        if len(chunks) != len(embeddings) or (parts is not None and len(parts) != len(chunks)):
            raise ValueError(f"{len(chunks)} chunks but {len(embeddings)} embeddings")
        by_course: dict[str, list[int]] = {}
        for i, chunk in enumerate(chunks):
            by_course.setdefault(chunk.course_id, []).append(i)
        step = min(_PAGE, int(self._client.get_max_batch_size()))
        for course_id, rows in by_course.items():
            col = self._collection(course_id, create=True)
            assert col is not None
            for start in range(0, len(rows), step):
                part = rows[start : start + step]
                col.upsert(
                    ids=[chunks[i].id for i in part],
                    embeddings=np.asarray(embeddings[part], dtype=np.float32),
                    documents=[chunks[i].text for i in part],
                    metadatas=[_metadata(chunks[i], None if parts is None else parts[i]) for i in part],
                )
            self._bump(col, course_id)

    @unreachable_as_unavailable
    def delete_document(self, course_id: str, document_id: str) -> int:
        """Delete every chunk of a document; returns how many were deleted."""
        col = self._collection(course_id)
        if col is None:
            return 0
        ids = col.get(where={"document_id": document_id}, include=[])["ids"]
        if ids:
            col.delete(ids=ids)
            self._bump(col, course_id)
        return len(ids)

    @unreachable_as_unavailable
    def delete_course(self, course_id: str) -> None:
        """Delete the course's collection (and so its version stamp)."""
        if self._collection(course_id) is not None:
            self._client.delete_collection(collection_name(course_id))

    @unreachable_as_unavailable
    def count(self, course_id: str) -> int:
        """Number of chunks stored for a course."""
        col = self._collection(course_id)
        return 0 if col is None else int(col.count())

    @unreachable_as_unavailable
    def version(self, course_id: str) -> str | None:
        """Current version stamp of a course (None when it has no collection)."""
        col = self._collection(course_id)
        if col is None:
            return None
        return str((col.metadata or {}).get("version", ""))

    @unreachable_as_unavailable
    def snapshot(self, course_id: str) -> CourseSnapshot:
        """Read every chunk and vector of a course, paging through the collection."""
        col = self._collection(course_id)
        if col is None:
            return CourseSnapshot(None, [], np.zeros((0, 0), np.float32))
        # Stamp first: a write landing during the read makes the stamp stale, never the data.
        version = str((col.metadata or {}).get("version", ""))
        chunks: list[Chunk] = []
        vectors: list[np.ndarray] = []
        parts: list[np.ndarray | None] = []
        offset = 0
        while True:
            page = col.get(
                include=["embeddings", "documents", "metadatas"], limit=_PAGE, offset=offset
            )
            ids = page["ids"]
            if not ids:
                break
            matrix = np.asarray(page["embeddings"], dtype=np.float32)
            for cid, text, meta in zip(ids, page["documents"], page["metadatas"], strict=True):
                chunks.append(chunk_from_record(cid, text or "", meta or {}))
                packed = (meta or {}).get(PARTS_KEY)
                parts.append(decode_parts(str(packed), matrix.shape[1]) if packed else None)
            vectors.append(matrix)
            offset += len(ids)
        matrix = np.concatenate(vectors) if vectors else np.zeros((0, 0), np.float32)
        return CourseSnapshot(version, chunks, matrix, parts)


def _metadata(chunk: Chunk, parts: np.ndarray | None) -> dict[str, str | int | float]:
    meta = chunk_to_metadata(chunk)
    if parts is not None and len(parts):
        meta[PARTS_KEY] = encode_parts(parts)
    return meta
