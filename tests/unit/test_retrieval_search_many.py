"""``RetrievalService.search_many``: the same hits as searching each course and merging, one query embedding."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.embedder import HashingEmbedder
from retrieval.service import RetrievalService
from retrieval.types import Chunk


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting query embeddings."""

    queries = 0

    def embed_query(self, text: str) -> np.ndarray:
        self.queries += 1
        return super().embed_query(text)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries += len(texts)
        return super().embed_queries(texts)


def chunk(course: str, doc: str, text: str) -> Chunk:
    return Chunk(id=f"{doc}#0", course_id=course, document_id=doc, text=text, ordinal=0, source_name=f"{doc}.md",
                 char_start=0, char_end=len(text))  # fmt: skip


def test_search_many_merges_courses_by_score_and_embeds_the_query_once(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    service = RetrievalService.create(persist_dir=tmp_path / "chroma", embedder=embedder)
    service.add_chunks([
        chunk("a", "a-loops", "A for loop repeats a block for every item of a list."),
        chunk("a", "a-dicts", "A dictionary maps keys to values."),
        chunk("b", "b-loops", "While loops repeat until the condition is false; for loops walk a list."),
        chunk("b", "b-files", "Open a file with open() and read it line by line."),
    ])  # fmt: skip
    query = "how does a for loop walk a list?"
    expected = sorted(service.search("a", query, 3) + service.search("b", query, 3), key=lambda h: -h.score)[:3]
    embedder.queries = 0
    hits = service.search_many(["a", "b", "no-such-course"], query, 3)
    assert [(h.chunk.id, h.score) for h in hits] == [(h.chunk.id, h.score) for h in expected]
    assert {h.chunk.course_id for h in hits} == {"a", "b"}
    assert embedder.queries == 1
    assert service.search_many(["no-such-course"], query, 3) == [] and service.search_many(["a"], "  ", 3) == []
