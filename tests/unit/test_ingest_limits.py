"""Per-document caps in the pipeline, and time-limit interruptions that must stop a whole job."""

from __future__ import annotations

from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from ingest.limits import DocumentLimits
from ingest.loaders import load_document
from ingest.pipeline import IngestPipeline, SourceFile
from ingest.storage import LocalFileStorage
from tests.unit._ingest_fakes import FakeEmbedder, FakeRetrieval, make_pdf

SENTENCE = "Each section of this handout explains one idea about loops in enough words to stand alone."


def sections(count: int) -> bytes:
    """Markdown of ``count`` sections, each long enough to be a chunk of its own."""
    return "\n\n".join(f"## Part {i}\n\n{SENTENCE} {SENTENCE} {SENTENCE}" for i in range(count)).encode()


def test_files_over_a_cap_fail_alone_and_are_neither_stored_nor_embedded(tmp_path: Path) -> None:
    retrieval = FakeRetrieval()
    storage = LocalFileStorage(tmp_path)
    limits = DocumentLimits(max_pages=3, max_chunks=10)
    files = [
        SourceFile("c1", "pdf-big", "big.pdf", make_pdf([f"Page {i} text." for i in range(4)])),
        SourceFile("c1", "pdf-ok", "ok.pdf", make_pdf([f"Page {i} text." for i in range(3)])),
        SourceFile("c1", "md-big", "big.md", sections(11)),
        SourceFile("c1", "md-ok", "ok.md", sections(10)),
    ]
    results = IngestPipeline(retrieval, storage, limits=limits).ingest(files)
    by_id = {r.document_id: r for r in results}
    assert by_id["pdf-big"].status == "failed" and by_id["pdf-big"].error_code == "too_many_pages"
    assert by_id["pdf-big"].error == "big.pdf has 4 pages; the limit is 3 per document. Split it into smaller files."
    assert by_id["md-big"].status == "failed" and by_id["md-big"].error_code == "too_many_chunks"
    assert "11 passages; the limit is 10" in (by_id["md-big"].error or "")
    assert by_id["pdf-ok"].status == by_id["md-ok"].status == "indexed"
    assert {c.document_id for c in retrieval.chunks.values()} == {"pdf-ok", "md-ok"}
    assert not storage.list_keys("courses/c1/pdf-big/") and not storage.list_keys("courses/c1/md-big/")


def test_the_page_cap_applies_before_any_page_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PageObject

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("text extracted from a PDF over the page cap")

    monkeypatch.setattr(PageObject, "extract_text", refuse)
    with pytest.raises(Exception, match="has 2 pages") as caught:
        load_document("two.pdf", make_pdf(["one", "two"]), DocumentLimits(max_pages=1))
    assert getattr(caught.value, "code", None) == "too_many_pages"


def test_without_limits_nothing_is_capped() -> None:
    results = IngestPipeline(FakeRetrieval()).ingest([SourceFile("c1", "d", "long.md", sections(30))])
    assert results[0].status == "indexed" and results[0].chunks == 30


class SlowEmbedder(FakeEmbedder):
    """Raises the soft time limit as Celery would, in the middle of embedding."""

    def embed_documents(self, texts: list[str]):  # type: ignore[no-untyped-def]
        raise SoftTimeLimitExceeded()


def test_a_time_limit_stops_the_whole_job_instead_of_failing_one_file() -> None:
    # Each per-file error handler catches Exception, from which Celery's soft limit derives: without
    # care, the limit would mark one file "index_failed" and let the job carry on past its limit.
    pipeline = IngestPipeline(FakeRetrieval(SlowEmbedder()))
    with pytest.raises(SoftTimeLimitExceeded):
        pipeline.ingest([SourceFile("c1", "a", "a.md", sections(2)), SourceFile("c1", "b", "b.md", sections(2))])


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a.rst"])
def test_loaders_let_a_time_limit_through(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    data = {
        "a.pdf": make_pdf(["text"]),
        "a.docx": _docx(),
        "a.rst": b"Title\n=====\n\nSome text.\n",
    }[name]

    def interrupted(*args: object, **kwargs: object) -> object:
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("ingest.loaders.pdf.PdfReader", interrupted)
    monkeypatch.setattr(docx, "Document", interrupted)
    monkeypatch.setattr("ingest.loaders.rst.publish_doctree", interrupted)
    with pytest.raises(SoftTimeLimitExceeded):
        load_document(name, data)


def _docx() -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("Some text.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
