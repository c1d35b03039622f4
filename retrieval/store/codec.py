"""Conversion between :class:`Chunk` and the flat metadata a vector store accepts."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from retrieval.types import Chunk

_OPTIONAL = ("lesson_id", "page", "start_seconds", "end_seconds")


def chunk_to_metadata(chunk: Chunk) -> dict[str, str | int | float]:
    """Flat metadata for a chunk (the text is stored separately).

    ``heading_path`` and ``sections`` become JSON strings and None values are left out, since the store
    accepts neither lists nor nulls (indexes written before ``sections`` existed read as one section).
    """
    meta: dict[str, str | int | float] = {
        "course_id": chunk.course_id,
        "document_id": chunk.document_id,
        "ordinal": chunk.ordinal,
        "heading_path": json.dumps(list(chunk.heading_path), ensure_ascii=False),
        "source_name": chunk.source_name,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
    }
    for key in _OPTIONAL:
        value = getattr(chunk, key)
        if value is not None:
            meta[key] = value
    if chunk.sections:
        meta["sections"] = json.dumps([[start, list(path)] for start, path in chunk.sections], ensure_ascii=False)
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: Mapping[str, Any]) -> Chunk:
    """Rebuild a chunk from its stored id, text and metadata."""
    page = meta.get("page")
    start = meta.get("start_seconds")
    end = meta.get("end_seconds")
    lesson = meta.get("lesson_id")
    return Chunk(
        id=chunk_id,
        course_id=str(meta["course_id"]),
        document_id=str(meta["document_id"]),
        text=text,
        ordinal=int(meta.get("ordinal", 0)),
        heading_path=tuple(json.loads(str(meta.get("heading_path", "[]")))),
        lesson_id=None if lesson is None else str(lesson),
        source_name=str(meta.get("source_name", "")),
        page=None if page is None else int(page),
        start_seconds=None if start is None else float(start),
        end_seconds=None if end is None else float(end),
        char_start=int(meta.get("char_start", 0)),
        char_end=int(meta.get("char_end", 0)),
        sections=tuple((int(start), tuple(path)) for start, path in json.loads(str(meta.get("sections", "[]")))),
    )


PARTS_KEY = "parts_f16"


def encode_parts(parts: np.ndarray) -> str:
    """Pack sub-passage vectors as base64 float16 (half the bytes; cosine error ~1e-3)."""
    return base64.b64encode(np.asarray(parts, dtype="<f2").tobytes()).decode("ascii")


def decode_parts(packed: str, dim: int) -> np.ndarray:
    """Inverse of :func:`encode_parts` for vectors of dimension ``dim``."""
    flat = np.frombuffer(base64.b64decode(packed), dtype="<f2")
    return flat.reshape(-1, dim).astype(np.float32)
