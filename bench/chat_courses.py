"""The two bench courses of ``bench.chat``, built by the real ingestion pipeline into the real retrieval service.

Disfl-QA passages (one document each) and the CPython 3.11 reST docs. Each built store is kept under
the cache directory, keyed by a hash of its input and of the ingestion code (loaders, chunker), so
repeated runs skip re-encoding and a changed chunker re-indexes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import ingest
from ingest.pipeline import IngestPipeline, SourceFile
from retrieval.coverage import TermCoverage
from retrieval.embedder.base import Embedder
from retrieval.service import RetrievalService
from retrieval.types import SearchHit


def _ingest_code_digest() -> bytes:
    """Hash of the code that turns files into chunks: a change to it must not reuse an old index."""
    root = Path(ingest.__file__).parent
    digest = hashlib.sha256()
    for path in sorted([root / "chunking.py", root / "document.py", *(root / "loaders").glob("*.py")]):
        digest.update(path.read_bytes())
    return digest.digest()


def build_course(course_id: str, files: Sequence[SourceFile], embedder: Embedder, cache: Path) -> RetrievalService:
    """A retrieval service holding ``files`` as course ``course_id`` (reused from the cache when built before)."""
    digest = hashlib.sha256(_ingest_code_digest())
    for source in files:
        digest.update(source.document_id.encode() + b"\x1f" + hashlib.sha256(source.data).digest())
        digest.update(repr((source.filename, source.lesson_id, source.heading_prefix)).encode())
    root = cache / f"chroma-{course_id}-{digest.hexdigest()[:16]}"
    service = RetrievalService.create(persist_dir=root, embedder=embedder)
    marker = root / "complete"
    if not marker.exists():
        service.delete_course(course_id)
        IngestPipeline(service).ingest(files, known_hashes={})
        marker.write_text(str(service.count(course_id)))
    return service


def disfl_course(corpus: Path, embedder: Embedder, cache: Path) -> RetrievalService:
    """Every corpus passage as one text document of course ``disfl`` (document id = passage id)."""
    files = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = f"{row['title']}\n\n{row['text']}" if row.get("title") else str(row["text"])
            files.append(SourceFile("disfl", str(row["id"]), f"{row['id']}.txt", text.encode("utf-8")))
    return build_course("disfl", files, embedder, cache)


def python_docs_course(rst_dir: Path, embedder: Embedder, cache: Path) -> RetrievalService:
    """The reST tutorial, HOWTOs and FAQ as course ``pydocs``."""
    files = []
    for path in sorted(rst_dir.rglob("*.rst.txt")):
        name = path.name.removesuffix(".txt")
        doc_id = f"{path.parent.name}-{name.removesuffix('.rst')}"
        files.append(SourceFile("pydocs", doc_id, name, path.read_bytes(), heading_prefix=(path.parent.name,)))
    return build_course("pydocs", files, embedder, cache)


def sample_courses(embedder: Embedder, cache: Path) -> RetrievalService:
    """The sample catalogue's lesson files (and the welcome transcript), each course under its own id.

    Heading paths are course › module › lesson › sections, exactly as the worker ingests them.
    """
    from ingest.worker import heading_prefix
    from tutor.seed import load_catalog, material_files

    courses = {c["id"]: c for c in load_catalog()}
    files = [
        SourceFile(course_id, f"{course_id}-{path.name}", path.name, path.read_bytes(), lesson_id,
                   heading_prefix(courses[course_id], lesson_id))
        for course_id, lesson_id, _, path in material_files()
    ]
    return build_course("sample", files, embedder, cache)


def tutorial_course(rst_dir: Path, embedder: Embedder, cache: Path, course_id: str = "pytutorial") -> RetrievalService:
    """The CPython tutorial as Sphinx publishes its sources (``*.rst.txt``), one course titled like the book."""
    files = [
        SourceFile(course_id, f"tutorial-{path.name}", path.name, path.read_bytes(),
                   heading_prefix=("The Python Tutorial",))
        for path in sorted((rst_dir / "tutorial").glob("*.rst.txt"))
    ]
    return build_course(course_id, files, embedder, cache)


class ServiceMaterialPort:
    """``MaterialPort`` over one course of a :class:`RetrievalService` (every user may read it)."""

    def __init__(self, service: RetrievalService, course_id: str) -> None:
        self.service = service
        self.course_id = course_id

    async def search(self, user_id: str, query: str, course_id: str | None, k: int) -> list[SearchHit]:
        """Hybrid search in the bench course."""
        return await asyncio.to_thread(self.service.search, self.course_id, query, k)

    async def coverage(self, user_id: str, query: str, course_id: str | None) -> list[TermCoverage]:
        """Per-word passage counts in the bench course."""
        return await asyncio.to_thread(self.service.term_coverage, self.course_id, query)

