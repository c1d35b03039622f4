"""RetrievalService over a real chroma store in a temp dir, with the hashing embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.embedder import HashingEmbedder
from retrieval.service import RetrievalService
from retrieval.types import Chunk


@pytest.fixture()
def service(tmp_path: Path) -> RetrievalService:
    return RetrievalService.create(persist_dir=tmp_path / "chroma", embedder=HashingEmbedder())


def chunk(course: str, doc: str, ordinal: int, text: str, lesson: str | None = None) -> Chunk:
    return Chunk(
        id=f"{doc}#{ordinal}", course_id=course, document_id=doc, text=text, ordinal=ordinal,
        lesson_id=lesson, source_name=f"{doc}.md", char_start=ordinal * 100, char_end=ordinal * 100 + len(text),
    )  # fmt: skip


LOOPS = "A for loop repeats a block for every item of a list or range."
DICTS = "A dictionary maps keys to values; look up a value with its key."
EXCEPT = "Wrap risky code in try and handle the error in an except clause."


def test_search_finds_the_relevant_passage_with_citation(service: RetrievalService) -> None:
    service.add_chunks([chunk("py", "loops", 0, LOOPS), chunk("py", "dicts", 0, DICTS), chunk("py", "exc", 0, EXCEPT)])
    hits = service.search("py", "how do I look up a value by key in a dictionary?", k=2)
    assert hits[0].chunk.document_id == "dicts"
    assert [h.rank for h in hits] == [1, 2]
    body = hits[0].to_dict()
    assert body["text"] == DICTS
    assert body["citation"]["document_id"] == "dicts"
    assert body["citation"]["source_name"] == "dicts.md"


def test_other_courses_are_never_returned(service: RetrievalService) -> None:
    service.add_chunks([chunk("course-a", "a-loops", 0, LOOPS), chunk("course-b", "b-loops", 0, LOOPS)])
    for mode in ("hybrid", "lexical", "dense"):
        hits = service.search("course-a", "for loop over a list", k=10, mode=mode)  # type: ignore[arg-type]
        assert {h.chunk.course_id for h in hits} == {"course-a"}
    assert service.search("course-c", "for loop", k=10) == []


def test_lesson_filter_only_returns_that_lesson(service: RetrievalService) -> None:
    service.add_chunks([
        chunk("py", "loops", 0, LOOPS, lesson="l1"),
        chunk("py", "loops-2", 0, LOOPS + " Use break to stop early.", lesson="l2"),
        chunk("py", "dicts", 0, DICTS, lesson="l2"),
    ])  # fmt: skip
    hits = service.search("py", "for loop", k=10, lesson_id="l2")
    assert hits and {h.chunk.lesson_id for h in hits} == {"l2"}
    assert service.search("py", "for loop", k=10, lesson_id="nope") == []


def test_delete_document_removes_it_from_both_rankers(service: RetrievalService) -> None:
    service.add_chunks([chunk("py", "loops", 0, LOOPS), chunk("py", "loops", 1, LOOPS + " again"),
                        chunk("py", "dicts", 0, DICTS)])  # fmt: skip
    assert service.search("py", "for loop list", k=1)[0].chunk.document_id == "loops"
    assert service.delete_document("py", "loops") == 2
    assert service.count("py") == 1
    for mode in ("lexical", "dense", "hybrid"):
        hits = service.search("py", "for loop list", k=10, mode=mode)  # type: ignore[arg-type]
        assert "loops" not in {h.chunk.document_id for h in hits}
    assert service.delete_document("py", "loops") == 0


def test_re_adding_the_same_chunks_does_not_duplicate(service: RetrievalService) -> None:
    chunks = [chunk("py", "loops", 0, LOOPS), chunk("py", "dicts", 0, DICTS)]
    service.add_chunks(chunks)
    service.add_chunks(chunks)
    assert service.count("py") == 2
    ids = [h.chunk.id for h in service.search("py", "loop list dictionary key", k=10)]
    assert sorted(ids) == ["dicts#0", "loops#0"]


def test_delete_course_removes_everything(service: RetrievalService) -> None:
    service.add_chunks([chunk("py", "loops", 0, LOOPS)])
    service.delete_course("py")
    assert service.count("py") == 0
    assert service.search("py", "loop", k=5) == []


def test_at_most_two_passages_per_document(service: RetrievalService) -> None:
    service.add_chunks([chunk("py", "loops", i, f"{LOOPS} Variant {i}.") for i in range(5)]
                       + [chunk("py", "dicts", 0, DICTS)])  # fmt: skip
    hits = service.search("py", "for loop list", k=5)
    assert [h.chunk.document_id for h in hits].count("loops") == 2
    assert "dicts" in {h.chunk.document_id for h in hits}


def test_writes_by_another_process_are_seen_on_next_search(tmp_path: Path) -> None:
    # Two services on one store stand in for the worker (writer) and the API (reader).
    reader = RetrievalService.create(persist_dir=tmp_path / "chroma", embedder=HashingEmbedder())
    writer = RetrievalService.create(persist_dir=tmp_path / "chroma", embedder=HashingEmbedder())
    writer.add_chunks([chunk("py", "loops", 0, LOOPS)])
    assert [h.chunk.document_id for h in reader.search("py", "dictionary key", k=5)] == ["loops"]
    writer.add_chunks([chunk("py", "dicts", 0, DICTS)])
    assert reader.search("py", "dictionary key value", k=5)[0].chunk.document_id == "dicts"
    writer.delete_document("py", "dicts")
    assert "dicts" not in {h.chunk.document_id for h in reader.search("py", "dictionary key", k=5)}


def test_wrong_embedding_shape_is_rejected(service: RetrievalService) -> None:
    with pytest.raises(ValueError):
        service.add_chunks([chunk("py", "loops", 0, LOOPS)], np.zeros((1, 3), np.float32))
