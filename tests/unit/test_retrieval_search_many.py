"""``RetrievalService.search_many``: several courses ranked as one collection, one query embedding."""

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


def test_search_many_merges_courses_and_embeds_the_query_once(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    service = RetrievalService.create(persist_dir=tmp_path / "chroma", embedder=embedder)
    service.add_chunks([
        chunk("a", "a-loops", "A for loop repeats a block for every item of a list."),
        chunk("a", "a-dicts", "A dictionary maps keys to values."),
        chunk("b", "b-loops", "While loops repeat until the condition is false; for loops walk a list."),
        chunk("b", "b-files", "Open a file with open() and read it line by line."),
    ])  # fmt: skip
    query = "how does a for loop walk a list?"
    embedder.queries = 0
    hits = service.search_many(["a", "b", "no-such-course"], query, 3)
    assert {h.chunk.id for h in hits[:2]} == {"a-loops#0", "b-loops#0"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert {h.chunk.course_id for h in hits} == {"a", "b"}
    assert embedder.queries == 1
    assert service.search_many(["no-such-course"], query, 3) == [] and service.search_many(["a"], "  ", 3) == []


def test_courses_are_ranked_as_one_collection_so_a_weak_match_never_outranks_a_strong_one(tmp_path: Path) -> None:
    service = RetrievalService.create(persist_dir=tmp_path / "chroma", embedder=CountingEmbedder())
    service.add_chunks([
        chunk("loops", "l-for", "A for loop walks a list: for item in a list, the block runs once per item."),
        chunk("loops", "l-range", "A for loop over range(5) walks the numbers 0 to 4, like a list of them."),
        chunk("loops", "l-while", "A while loop repeats until its condition is false; a for loop walks a list."),
        chunk("loops", "l-break", "break ends a for loop early, before it has walked the whole list."),
        chunk("web", "w-status", "A status code tells the client how its request went: 201 Created, 404 Not Found."),
        chunk("web", "w-json", "Send JSON with the content type application/json."),
        chunk("web", "w-routes", "A route maps a method and a path to a handler function."),
        chunk("web", "w-list", "The books endpoint answers with a list of books."),
    ])  # fmt: skip
    query = "how does a for loop walk a list?"
    hits = service.search_many(["loops", "web"], query, 4)
    assert [h.chunk.course_id for h in hits] == ["loops"] * 4
    assert [h.rank for h in hits] == [1, 2, 3, 4]
    # Standardised course by course, the web course's one passage naming a list stood out in its own course
    # as far as the loops course's best passage did in its own.
    apart = sorted(service.search("loops", query, 4) + service.search("web", query, 4), key=lambda h: -h.score)
    assert "web" in {h.chunk.course_id for h in apart[:4]}
