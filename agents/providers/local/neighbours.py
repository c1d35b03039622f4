"""Retrieved passages of one section that overlap are read as one passage.

Chunks are cut with overlap, so the sentence a question needs next often sits in the neighbouring
chunk, which retrieval returns too. Quoting from either half alone would stop mid-explanation ("...
pre-rounding cannot help:" while "post-rounding" is in the next chunk); joined, the excerpt can run on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from retrieval.types import Chunk, SearchHit


def _overlap(a: Chunk, b: Chunk) -> bool:
    located = a.char_end > a.char_start and b.char_end > b.char_start  # old indexes have no offsets
    return (
        located and a.document_id == b.document_id and a.heading_path == b.heading_path
        and a.char_start < b.char_end and b.char_start < a.char_end
    )


def _union(a: Chunk, b: Chunk) -> Chunk:
    """``a`` widened by the part of ``b`` outside it (both are exact slices of one document text)."""
    text = a.text
    if b.char_start < a.char_start:
        text = b.text[: a.char_start - b.char_start] + text
    if b.char_end > a.char_end:
        text = text + b.text[a.char_end - b.char_start :]
    sections = tuple(sorted(set(a.sections) | set(b.sections)))
    start, end = min(a.char_start, b.char_start), max(a.char_end, b.char_end)
    return replace(a, text=text, char_start=start, char_end=end, sections=sections)


def join_overlapping(hits: Sequence[SearchHit], numbers: Sequence[int]) -> tuple[list[SearchHit], list[int]]:
    """``hits`` with each passage absorbing the lower-ranked ones of its section that overlap it.

    The joined passage keeps the better-ranked hit's place and citation number; the absorbed hit's
    number is not used (its text is part of the joined passage, cited under the kept number).
    """
    kept: list[SearchHit] = []
    kept_numbers: list[int] = []
    for hit, number in zip(hits, numbers, strict=True):
        for i, other in enumerate(kept):
            if _overlap(other.chunk, hit.chunk):
                kept[i] = replace(other, chunk=_union(other.chunk, hit.chunk))
                break
        else:
            kept.append(hit)
            kept_numbers.append(number)
    return kept, kept_numbers
