"""Job summaries for persistence, and folder collection for the CLI."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from ingest.folder import collect_folder, stable_document_id
from ingest.jobs import run_ingest_files
from ingest.pipeline import FileResult, IngestPipeline, SourceFile
from tests.unit._ingest_fakes import FakeRetrieval

TEXT = " ".join(f"Sentence {i} about iterators and generators in Python." for i in range(80))


def files() -> list[SourceFile]:
    return [
        SourceFile("c1", "a", "a.txt", TEXT.encode()),
        SourceFile("c1", "b", "b.exe", b"MZ"),
        SourceFile("c1", "c", "c.md", b"# C\n\nShort."),
    ]


def test_job_summary_reports_progress_and_errors() -> None:
    reports: list[dict[str, Any]] = []
    pipeline = IngestPipeline(FakeRetrieval(), embed_batch_size=4)
    summary = run_ingest_files(pipeline, files(), reports.append, min_interval=0)

    assert reports[0]["state"] == "running" and reports[0]["chunks_total"] == 0
    assert reports[-1] == summary
    assert summary["state"] == "partial"
    by_name = {f["filename"]: f for f in summary["files"]}
    assert by_name["a.txt"]["status"] == "indexed" and by_name["a.txt"]["chunks"] > 3
    assert by_name["b.exe"]["status"] == "failed" and by_name["b.exe"]["error_code"] == "unsupported_type"
    assert summary["chunks_done"] == summary["chunks_total"] == by_name["a.txt"]["chunks"] + 1
    done = [r["chunks_done"] for r in reports]
    assert done == sorted(done) and len(set(done)) > 2  # progress advanced in steps


def test_job_states() -> None:
    ok = run_ingest_files(IngestPipeline(FakeRetrieval()), files()[:1], lambda _: None)
    assert ok["state"] == "succeeded"
    bad = run_ingest_files(IngestPipeline(FakeRetrieval()), files()[1:2], lambda _: None)
    assert bad["state"] == "failed"


def test_crash_is_reported_then_raised() -> None:
    def crash(*args: object, **kwargs: object) -> list[FileResult]:
        raise RuntimeError("index offline")

    reports: list[dict[str, Any]] = []
    pipeline = IngestPipeline(FakeRetrieval())
    pipeline.ingest = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        run_ingest_files(pipeline, files(), reports.append)
    assert reports[-1]["state"] == "failed"


def test_a_passed_deadline_stops_the_run_even_when_no_signal_arrives() -> None:
    # Celery's soft limit is a signal that a library catching Exception can swallow; the deadline cannot be.
    reports: list[dict[str, Any]] = []
    pipeline = IngestPipeline(FakeRetrieval(), embed_batch_size=4)
    with pytest.raises(SoftTimeLimitExceeded):
        run_ingest_files(pipeline, files(), reports.append, deadline=time.monotonic() - 1)
    assert reports[-1]["state"] == "failed"
    assert reports[-1]["chunks_done"] == 0
    # A deadline still ahead changes nothing.
    assert run_ingest_files(pipeline, files(), lambda _: None, deadline=time.monotonic() + 60)["state"] == "partial"


def test_collect_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.md").write_bytes(b"# A")
    (tmp_path / "sub" / "b.TXT").write_bytes(b"b")
    (tmp_path / "c.png").write_bytes(b"\x89PNG")
    (tmp_path / ".git" / "config.txt").write_bytes(b"x")
    skipped: list[tuple[str, str]] = []
    got = collect_folder(tmp_path, on_skip=lambda name, reason: skipped.append((name, reason)))
    assert got == [("a.md", b"# A"), ("sub/b.TXT", b"b")]
    assert [name for name, _ in skipped] == ["c.png"]
    assert collect_folder(tmp_path / "a.md") == [("a.md", b"# A")]
    with pytest.raises(FileNotFoundError):
        collect_folder(tmp_path / "missing")
    assert stable_document_id("c1", "a.md") == stable_document_id("c1", "a.md") != stable_document_id("c2", "a.md")
