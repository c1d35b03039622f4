"""The pipeline indexes a batch, survives bad files, and converges to one copy of every chunk."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline, ProgressEvent, SourceFile, content_hash
from ingest.storage import LocalFileStorage, material_key
from tests.unit._ingest_fakes import CountingRetrieval, FakeEmbedder, FakeRetrieval, make_pdf

PARAGRAPH = " ".join(f"Point {i} explains how Python evaluates nested expressions step by step." for i in range(40))


def md(title: str, paragraphs: int) -> bytes:
    body = "\n\n".join(f"## Part {i}\n\n{PARAGRAPH}" for i in range(paragraphs))
    return f"# {title}\n\n{body}\n".encode()


def batch() -> list[SourceFile]:
    return [
        SourceFile("c1", "doc-md", "intro.md", md("Intro", 2), lesson_id="L1", heading_prefix=("Course",)),
        SourceFile("c1", "doc-txt", "notes.txt", b"Short plain notes about lists."),
        SourceFile("c1", "doc-bad", "slides.md", make_pdf(["not markdown"])),
        SourceFile("c1", "doc-pdf", "handout.pdf", make_pdf(["Page one text.", "Page two text."])),
    ]


@pytest.fixture
def storage(tmp_path: Path) -> LocalFileStorage:
    return LocalFileStorage(tmp_path / "files")


def test_batch_indexes_good_files_and_reports_bad_ones(storage: LocalFileStorage) -> None:
    retrieval = FakeRetrieval()
    events: list[ProgressEvent] = []
    results = IngestPipeline(retrieval, storage).ingest(batch(), on_progress=events.append)

    assert [r.status for r in results] == ["indexed", "indexed", "failed", "indexed"]
    bad = results[2]
    assert bad.error_code == "content_mismatch" and "looks like a PDF" in (bad.error or "")
    assert sum(r.chunks for r in results) == len(retrieval.chunks)
    assert results[0].chunks > 2
    assert all(c.heading_path[:2] == ("Course", "Intro") for c in retrieval.of("doc-md"))
    assert {c.lesson_id for c in retrieval.of("doc-md")} == {"L1"}
    assert [c.page for c in retrieval.of("doc-pdf")] == [1]  # tiny pages merge; the chunk starts on page 1
    # One embedding call for the whole batch: batches span files.
    assert retrieval.embedder.calls == [len(retrieval.chunks)]
    # Originals are kept; the failed one is not.
    assert storage.get(material_key("c1", "doc-md", "intro.md")) == md("Intro", 2)
    assert results[3].storage_key == "courses/c1/materials/doc-pdf/handout.pdf"
    assert not storage.exists(material_key("c1", "doc-bad", "slides.md"))
    assert results[0].content_hash == content_hash(md("Intro", 2), ("Course",), "L1")
    finals = {e.document_id: e for e in events if e.stage in ("indexed", "failed")}
    assert finals["doc-md"].chunks_done == finals["doc-md"].chunks_total == results[0].chunks
    assert finals["doc-bad"].stage == "failed"


def test_same_batch_twice_leaves_no_duplicates(storage: LocalFileStorage) -> None:
    retrieval = FakeRetrieval()
    pipeline = IngestPipeline(retrieval, storage, embed_batch_size=3)
    first = pipeline.ingest(batch())
    ids = set(retrieval.chunks)
    second = pipeline.ingest(batch())
    assert set(retrieval.chunks) == ids
    assert [r.chunks for r in first] == [r.chunks for r in second]


class Killed(BaseException):
    """Stands in for a worker killed mid-task (not an Exception, so nothing catches it)."""


def test_rerun_after_crash_converges(storage: LocalFileStorage) -> None:
    clean = FakeRetrieval()
    IngestPipeline(clean, embed_batch_size=4).ingest(batch())

    crashing = FakeRetrieval()
    original_add = crashing.add_chunks
    calls = {"n": 0}

    def add_then_die(chunks, embeddings=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Killed
        original_add(chunks, embeddings)

    crashing.add_chunks = add_then_die  # type: ignore[method-assign]
    with pytest.raises(Killed):
        IngestPipeline(crashing, storage, embed_batch_size=4).ingest(batch())
    assert 0 < len(crashing.chunks) < len(clean.chunks)
    crashing.add_chunks = original_add  # type: ignore[method-assign]
    IngestPipeline(crashing, storage, embed_batch_size=4).ingest(batch())
    assert crashing.chunks == clean.chunks


def test_changed_document_replaces_its_chunks(storage: LocalFileStorage) -> None:
    retrieval = FakeRetrieval()
    pipeline = IngestPipeline(retrieval, storage)
    old = pipeline.ingest([SourceFile("c1", "d", "lesson.md", md("Lesson", 4))])[0]
    assert old.chunks == len(retrieval.of("d")) > 4

    new = pipeline.ingest(
        [SourceFile("c1", "d", "lesson-v2.md", md("Lesson v2", 1))], known_hashes={"d": old.content_hash}
    )[0]
    assert new.status == "indexed" and new.chunks < old.chunks
    kept = retrieval.of("d")
    assert [c.ordinal for c in kept] == list(range(new.chunks))  # stale ordinals are gone
    assert all(c.heading_path[0] == "Lesson v2" for c in kept)
    # The old original (another file name) is replaced too.
    assert storage.list_keys("courses/c1/materials/d/") == ["courses/c1/materials/d/lesson-v2.md"]


def test_unchanged_document_is_skipped(storage: LocalFileStorage) -> None:
    retrieval = FakeRetrieval()
    pipeline = IngestPipeline(retrieval, storage)
    files = batch()[:2]
    first = pipeline.ingest(files)
    retrieval.embedder.calls.clear()
    retrieval.deletes.clear()
    known = {r.document_id: r.content_hash for r in first}
    second = pipeline.ingest(files, known_hashes=known)
    assert [r.status for r in second] == ["unchanged", "unchanged"]
    assert retrieval.embedder.calls == [] and retrieval.deletes == []


def test_a_file_indexed_under_an_older_index_format_is_indexed_again(storage: LocalFileStorage) -> None:
    retrieval = FakeRetrieval()
    pipeline = IngestPipeline(retrieval, storage)
    files = batch()[:1]
    old_format = {files[0].document_id: hashlib.sha256(files[0].data).hexdigest()}  # as format 1 recorded it
    again = pipeline.ingest(files, known_hashes=old_format)
    assert [r.status for r in again] == ["indexed"] and retrieval.embedder.calls
    current = {files[0].document_id: again[0].content_hash}
    assert [r.status for r in pipeline.ingest(files, known_hashes=current)] == ["unchanged"]


def test_a_file_whose_titles_or_lesson_changed_is_indexed_again_under_the_new_ones(storage: LocalFileStorage) -> None:
    retrieval = FakeRetrieval()
    pipeline = IngestPipeline(retrieval, storage)
    [first] = pipeline.ingest(batch()[:1])
    known = {first.document_id: first.content_hash}
    renamed = replace(batch()[0], heading_prefix=("Course", "Basics", "Intro, renamed"))
    [again] = pipeline.ingest([renamed], known_hashes=known)
    assert again.status == "indexed" and again.content_hash != first.content_hash
    assert all(c.heading_path[:3] == ("Course", "Basics", "Intro, renamed") for c in retrieval.of("doc-md"))
    moved = replace(renamed, lesson_id=None)  # its lesson was deleted: the file stays, under the course
    [off] = pipeline.ingest([moved], known_hashes={first.document_id: again.content_hash})
    assert off.status == "indexed" and {c.lesson_id for c in retrieval.of("doc-md")} == {None}
    assert pipeline.ingest([moved], known_hashes={first.document_id: off.content_hash})[0].status == "unchanged"


def test_known_new_documents_and_empty_courses_skip_deletes() -> None:
    retrieval = FakeRetrieval()
    IngestPipeline(retrieval).ingest(batch(), known_hashes={})
    assert retrieval.deletes == []

    counting = CountingRetrieval()
    IngestPipeline(counting).ingest(batch())  # state unknown, but the course is empty
    assert counting.deletes == []

    unknown = FakeRetrieval()
    IngestPipeline(unknown).ingest(batch())  # state unknown: delete before indexing, to be safe
    assert {d for _, d in unknown.deletes} == {"doc-md", "doc-txt", "doc-pdf"}


def test_embedding_failure_fails_only_that_batch() -> None:
    retrieval = FakeRetrieval(FakeEmbedder(fail_on="Short plain notes"))
    results = IngestPipeline(retrieval, embed_batch_size=1).ingest(batch())
    assert [r.status for r in results] == ["indexed", "failed", "failed", "indexed"]
    assert results[1].error_code == "index_failed"
    assert retrieval.of("doc-txt") == [] and retrieval.of("doc-md")


def test_duplicate_document_in_one_batch() -> None:
    files = [SourceFile("c1", "d", "a.txt", b"one"), SourceFile("c1", "d", "b.txt", b"two")]
    results = IngestPipeline(FakeRetrieval()).ingest(files)
    assert [r.status for r in results] == ["indexed", "failed"]
    assert results[1].error_code == "duplicate_document"


def test_delete_document_removes_chunks_and_file(storage: LocalFileStorage) -> None:
    retrieval = FakeRetrieval()
    pipeline = IngestPipeline(retrieval, storage)
    results = pipeline.ingest(batch())
    pipeline.delete_document("c1", "doc-md", results[0].storage_key)
    assert retrieval.of("doc-md") == []
    assert not storage.exists(results[0].storage_key or "")
    assert retrieval.of("doc-txt") and storage.exists(results[1].storage_key or "")
