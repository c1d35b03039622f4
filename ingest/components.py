"""Building the ingestion parts from settings (shared by the API, the worker and the CLI)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.limits import DocumentLimits
from ingest.pipeline import IngestPipeline
from ingest.storage import FileStorage, build_storage
from retrieval.service import RetrievalService
from tutor.settings import Settings


def storage_for(settings: Settings) -> FileStorage:
    """S3 when ``S3_BUCKET`` is set, else ``var/files``."""
    return build_storage(
        bucket=settings.s3_bucket,
        local_root=Path(settings.var_dir) / "files",
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
    )


@lru_cache(maxsize=4)
def _retrieval(persist_dir: str, chroma_url: str | None) -> RetrievalService:
    return RetrievalService.create(persist_dir=Path(persist_dir), chroma_url=chroma_url)


def retrieval_for(settings: Settings) -> RetrievalService:
    """The process's retrieval service (one per store location; the embedding model loads once)."""
    return _retrieval(str(Path(settings.var_dir).resolve() / "chroma"), settings.chroma_url)


def pipeline_for(settings: Settings) -> IngestPipeline:
    """An ingestion pipeline over the configured index and storage, with the per-document caps."""
    limits = DocumentLimits(max_pages=settings.max_document_pages, max_chunks=settings.max_document_chunks)
    return IngestPipeline(retrieval_for(settings), storage_for(settings), limits=limits)
