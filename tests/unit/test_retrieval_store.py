"""Chroma store: metadata round trip, part vectors, collection names."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from retrieval.embedder import HashingEmbedder
from retrieval.service import RetrievalService
from retrieval.store.chroma import ChromaChunkStore, collection_name, make_client
from retrieval.store.codec import decode_parts, encode_parts
from retrieval.types import Chunk

FULL = Chunk(
    id="notes#3", course_id="py", document_id="notes", text="Slicing copies part of a list.", ordinal=3,
    heading_path=("Python", "Lists", "Slicing — «copies»"), lesson_id="lists", source_name="notes.pdf",
    page=7, start_seconds=61.5, end_seconds=75.0, char_start=1200, char_end=1230,
    sections=((1215, ("Python", "Lists", "Copies — «shallow»")),),
)  # fmt: skip
BARE = Chunk(id="x#0", course_id="py", document_id="x", text="Tuples are immutable.")


def test_citation_metadata_survives_the_store(tmp_path: Path) -> None:
    service = RetrievalService.create(persist_dir=tmp_path, embedder=HashingEmbedder())
    service.add_chunks([FULL, BARE])
    reopened = RetrievalService.create(persist_dir=tmp_path, embedder=HashingEmbedder())
    by_id = {h.chunk.id: h.chunk for h in reopened.search("py", "slicing a list tuples immutable", k=5)}
    assert by_id["notes#3"] == FULL
    assert by_id["x#0"] == BARE  # None fields stay None, empty heading path and sections stay empty
    assert by_id["notes#3"].heading_path_at(20)[-1] == "Copies — «shallow»"
    citation = by_id["notes#3"].citation()
    assert citation["heading_path"] == ["Python", "Lists", "Slicing — «copies»"]
    assert (citation["page"], citation["start_seconds"], citation["chunk_id"]) == (7, 61.5, "notes#3")


def test_part_vectors_round_trip(tmp_path: Path) -> None:
    store = ChromaChunkStore(make_client(tmp_path))
    parts = np.eye(3, 4, dtype=np.float32)
    store.upsert([FULL, BARE], np.eye(2, 4, dtype=np.float32), [parts, None])
    snap = store.snapshot("py")
    got = dict(zip([c.id for c in snap.chunks], snap.parts, strict=True))
    assert got["x#0"] is None
    stored = got["notes#3"]
    assert stored is not None
    np.testing.assert_allclose(stored, parts, atol=1e-3)
    np.testing.assert_allclose(decode_parts(encode_parts(parts), 4), parts, atol=1e-3)


def test_version_changes_on_every_write(tmp_path: Path) -> None:
    store = ChromaChunkStore(make_client(tmp_path))
    assert store.version("py") is None
    store.upsert([BARE], np.ones((1, 4), np.float32))
    first = store.version("py")
    store.upsert([BARE], np.ones((1, 4), np.float32))
    second = store.version("py")
    store.delete_document("py", "x")
    assert len({first, second, store.version("py")}) == 3


def test_collection_names_are_valid_and_distinct() -> None:
    names = {collection_name(c) for c in ["a", "A", "a b", "a/b", "é" * 600, "", "x" * 600, "x" * 601]}
    assert len(names) == 8
    for name in names:
        assert re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]", name)
