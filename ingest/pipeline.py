"""The ingestion pipeline: parse, chunk, store originals, embed across files, index; idempotently.

Idempotency rests on two facts: chunk ids are a function of (document_id, ordinal), and the index
upserts by id; a document whose content changed (or whose indexed state is unknown) has its old chunks
deleted right before its first new chunks are added, so stale ordinals beyond the new count vanish.
Re-running a batch after a crash therefore converges to exactly one copy of each chunk.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ingest.chunking import Chunker
from ingest.errors import IngestError
from ingest.limits import INTERRUPTS, UNLIMITED, DocumentLimits
from ingest.loaders import load_document
from ingest.ports import CountsChunks, RetrievalPort
from ingest.storage.base import FileStorage, material_key, material_prefix
from retrieval.types import Chunk

log = logging.getLogger(__name__)

_CONTENT_TYPES = {
    ".md": "text/markdown", ".markdown": "text/markdown", ".rst": "text/x-rst", ".rest": "text/x-rst",
    ".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml", ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain", ".text": "text/plain", ".vtt": "text/vtt", ".srt": "application/x-subrip",
}  # fmt: skip


@dataclass
class SourceFile:
    """One file to ingest into a course."""

    course_id: str
    document_id: str
    filename: str
    data: bytes
    lesson_id: str | None = None
    heading_prefix: tuple[str, ...] = ()


@dataclass
class FileResult:
    """Outcome for one file. ``error`` is safe to show the instructor; ``error_code`` is stable."""

    document_id: str
    filename: str
    status: str  # "indexed" | "unchanged" | "failed"
    chunks: int
    content_hash: str
    error: str | None = None
    error_code: str | None = None
    storage_key: str | None = None


@dataclass
class ProgressEvent:
    """Progress of one file: ``stage`` is parsed | unchanged | failed | embedding | indexed."""

    document_id: str
    filename: str
    chunks_done: int
    chunks_total: int
    stage: str


@dataclass(eq=False)  # identity semantics: plans are used as dict keys
class _Plan:
    result: FileResult
    chunks: list[Chunk]
    replace: bool
    course_id: str
    done: int = 0
    cleared: bool = False


# Raised whenever what the index records of a file changes (loaders, chunker, chunk metadata such as
# the sections a passage spans): a file indexed under another format is indexed again on its next
# ingest, even with the same bytes, instead of being skipped as unchanged with its old chunks.
INDEX_FORMAT = 2


def content_hash(data: bytes, heading_prefix: tuple[str, ...] = (), lesson_id: str | None = None) -> str:
    """What "unchanged" compares: SHA-256 of the bytes, the :data:`INDEX_FORMAT` and where the file sits.

    The titles every chunk's heading path starts with (course, module, lesson) and the lesson are part
    of it, so a file whose lesson was renamed, moved or deleted is indexed again, not cited by old titles.
    """
    where = json.dumps([INDEX_FORMAT, list(heading_prefix), lesson_id], ensure_ascii=False)
    return hashlib.sha256(f"index-format-{where}\n".encode() + data).hexdigest()


class IngestPipeline:
    """Turns uploaded files into indexed chunks.

    Args:
        retrieval: The index (``RetrievalService`` or anything shaped like :class:`RetrievalPort`).
        storage: Where originals are kept; None keeps nothing (benchmarks).
        chunker: Chunker; defaults to 200-token chunks with 40 tokens of overlap.
        embed_batch_size: Chunks per embedding call; batches span files, so small files don't cost
            a model call each.
        limits: Per-document page and chunk caps; a document over a cap fails alone, before it is
            stored or embedded.
    """

    def __init__(
        self,
        retrieval: RetrievalPort,
        storage: FileStorage | None = None,
        chunker: Chunker | None = None,
        embed_batch_size: int = 256,
        limits: DocumentLimits = UNLIMITED,
    ) -> None:
        self.retrieval = retrieval
        self.storage = storage
        self.chunker = chunker or Chunker()
        self.embed_batch_size = max(1, embed_batch_size)
        self.limits = limits

    def ingest(
        self,
        files: Sequence[SourceFile],
        on_progress: Callable[[ProgressEvent], None] | None = None,
        known_hashes: Mapping[str, str] | None = None,
    ) -> list[FileResult]:
        """Parse, chunk, store and index ``files``; one file's failure never stops the others.

        Args:
            files: Files to ingest (document ids unique within the batch).
            on_progress: Called as each file is parsed and as its chunks are indexed.
            known_hashes: document_id -> content hash of what is indexed now. A file with the same hash
                is skipped ("unchanged"); a file whose id is absent is treated as new (nothing to
                delete). None means "unknown": every document's old chunks are deleted first.

        Returns:
            One result per input file, in input order.
        """
        emit = on_progress or (lambda event: None)
        plans: list[_Plan] = []
        results: list[FileResult] = []
        seen: set[str] = set()
        for source in files:
            result, plan = self._prepare(source, known_hashes, seen)
            seen.add(source.document_id)
            results.append(result)
            stage = result.status if plan is None else "parsed"
            emit(ProgressEvent(source.document_id, source.filename, 0, result.chunks, stage))
            if plan is not None and self._store(source, plan):
                plans.append(plan)
            elif plan is not None:
                emit(ProgressEvent(source.document_id, source.filename, 0, 0, "failed"))
        if known_hashes is None:
            self._skip_deletes_in_empty_courses(plans)
        self._index(plans, emit)
        return results

    def delete_document(self, course_id: str, document_id: str, storage_key: str | None = None) -> None:
        """Remove a document's chunks from every index and its stored file(s)."""
        self.retrieval.delete_document(course_id, document_id)
        if self.storage is not None:
            if storage_key:
                self.storage.delete(storage_key)
            self.storage.delete_prefix(material_prefix(course_id, document_id))

    def _prepare(
        self, source: SourceFile, known: Mapping[str, str] | None, seen: set[str]
    ) -> tuple[FileResult, _Plan | None]:
        digest = content_hash(source.data, source.heading_prefix, source.lesson_id)
        result = FileResult(source.document_id, source.filename, "pending", 0, digest)
        if source.document_id in seen:
            _fail(result, "duplicate_document", "The same document appears twice in this upload.")
            return result, None
        previous = None if known is None else known.get(source.document_id)
        if previous == digest:
            result.status = "unchanged"
            return result, None
        try:
            chunks = self.chunker.chunk(
                load_document(source.filename, source.data, self.limits),
                course_id=source.course_id,
                document_id=source.document_id,
                source_name=source.filename,
                lesson_id=source.lesson_id,
                heading_prefix=source.heading_prefix,
            )
            self.limits.check_chunks(source.filename, len(chunks))
        except IngestError as exc:
            _fail(result, exc.code, exc.message)
            return result, None
        except INTERRUPTS:
            raise
        except Exception:
            log.exception("parsing %s failed", source.filename)
            _fail(result, "parse_failed", f"{source.filename} could not be processed.")
            return result, None
        result.chunks = len(chunks)
        replace = known is None or previous is not None
        return result, _Plan(result, chunks, replace, source.course_id)

    def _store(self, source: SourceFile, plan: _Plan) -> bool:
        if self.storage is None:
            return True
        try:
            key = material_key(source.course_id, source.document_id, source.filename)
            suffix = "." + key.rsplit(".", 1)[-1].lower() if "." in key else ""
            self.storage.put(key, source.data, _CONTENT_TYPES.get(suffix, "application/octet-stream"))
            if plan.replace:  # the previous version may have had another file name; put first, then prune
                prefix = material_prefix(source.course_id, source.document_id)
                for old in self.storage.list_keys(prefix):
                    if old != key:
                        self.storage.delete(old)
        except INTERRUPTS:
            raise
        except Exception:
            log.exception("storing %s failed", source.filename)
            _fail(plan.result, "storage_failed", f"{source.filename} could not be stored; try again.")
            plan.result.chunks = 0
            return False
        plan.result.storage_key = key
        return True

    def _skip_deletes_in_empty_courses(self, plans: list[_Plan]) -> None:
        """With no known hashes every document is deleted before indexing; in a course with no chunks
        at all that is one wasted index query per document, so ask once per course when we can."""
        if not isinstance(self.retrieval, CountsChunks):
            return
        for course_id in {plan.course_id for plan in plans}:
            try:
                empty = self.retrieval.count(course_id) == 0
            except INTERRUPTS:
                raise
            except Exception:
                log.warning("could not count chunks of course %s", course_id, exc_info=True)
                continue
            for plan in plans:
                if empty and plan.course_id == course_id:
                    plan.replace = False

    def _index(self, plans: list[_Plan], emit: Callable[[ProgressEvent], None]) -> None:
        """Embed and add chunks in batches that span files; finish each file as its last chunk lands."""
        for plan in plans:
            if not plan.chunks:
                self._clear(plan)
                plan.result.status = "indexed"
        queue = [(plan, chunk) for plan in plans for chunk in plan.chunks]
        # Batches of similar length waste little padding in the transformer: order the whole queue by
        # length (as sentence-transformers does inside one call), not just each batch.
        queue.sort(key=lambda item: len(item[1].text), reverse=True)
        start = 0
        while start < len(queue):
            batch = [item for item in queue[start : start + self.embed_batch_size] if item[0].result.status != "failed"]
            start += self.embed_batch_size
            if batch:
                self._index_batch(batch, emit)

    def _index_batch(self, batch: list[tuple[_Plan, Chunk]], emit: Callable[[ProgressEvent], None]) -> None:
        chunks = [chunk for _, chunk in batch]
        touched = list(dict.fromkeys(plan for plan, _ in batch))
        try:
            vectors = self.retrieval.embedder.embed_documents([chunk.text for chunk in chunks])
            if len(vectors) != len(chunks):
                raise RuntimeError(f"embedder returned {len(vectors)} vectors for {len(chunks)} texts")
            for plan in touched:
                self._clear(plan)
            self.retrieval.add_chunks(chunks, vectors)
        except INTERRUPTS:
            raise
        except Exception:
            log.exception("indexing a batch of %d chunks failed", len(chunks))
            for plan in touched:
                self._abandon(plan)
                emit(ProgressEvent(plan.result.document_id, plan.result.filename, 0, 0, "failed"))
            return
        for plan, _ in batch:
            plan.done += 1
        for plan in touched:
            finished = plan.done == len(plan.chunks)
            if finished:
                plan.result.status = "indexed"
            stage = "indexed" if finished else "embedding"
            emit(ProgressEvent(plan.result.document_id, plan.result.filename, plan.done, len(plan.chunks), stage))

    def _clear(self, plan: _Plan) -> None:
        if plan.replace and not plan.cleared:
            self.retrieval.delete_document(plan.course_id, plan.result.document_id)
        plan.cleared = True

    def _abandon(self, plan: _Plan) -> None:
        _fail(plan.result, "index_failed", f"{plan.result.filename} could not be indexed; try again.")
        plan.result.chunks = 0
        try:  # don't leave half a document searchable
            self.retrieval.delete_document(plan.course_id, plan.result.document_id)
        except INTERRUPTS:
            raise
        except Exception:
            log.exception("cleaning up %s failed", plan.result.document_id)


def _fail(result: FileResult, code: str, message: str) -> None:
    result.status = "failed"
    result.error_code = code
    result.error = message
