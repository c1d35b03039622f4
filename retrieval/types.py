"""Value types shared by ingestion, retrieval and the agent.

A :class:`Chunk` is what ingestion produces and the index stores; a :class:`SearchHit` is what a
search returns, carrying enough citation metadata for a client to build a link to the passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Chunk:
    """One indexed passage of a course document.

    Attributes:
        id: Stable id, derived from (document_id, ordinal) so a re-run of ingestion overwrites
            rather than duplicates.
        course_id: Course the document belongs to.
        document_id: Source document (material) id.
        text: The passage text.
        ordinal: Position of the chunk inside its document (0-based).
        heading_path: Headings from the document root to this passage (course › module › lesson › section).
        lesson_id: Lesson the document is attached to, when it is.
        source_name: Original file name, for display.
        page: 1-based PDF page of the passage start, when known.
        start_seconds: Transcript timestamp of the passage start, when known.
        end_seconds: Transcript timestamp of the passage end, when known.
        char_start: Offset of the passage start in the extracted document text.
        char_end: Offset of the passage end in the extracted document text.
        sections: Sections that begin inside the passage after its start, as (document offset, heading
            path), in document order; empty when the passage lies in one section.
    """

    id: str
    course_id: str
    document_id: str
    text: str
    ordinal: int = 0
    heading_path: tuple[str, ...] = ()
    lesson_id: str | None = None
    source_name: str = ""
    page: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None
    char_start: int = 0
    char_end: int = 0
    sections: tuple[tuple[int, tuple[str, ...]], ...] = ()

    def heading_path_at(self, offset: int) -> tuple[str, ...]:
        """The heading path of the section holding ``offset`` (a position in :attr:`text`).

        A passage can run over the end of its section into the next ones (short sections are packed
        together); :attr:`sections` holds where each later one begins (document offset, heading path).
        """
        at = self.char_start + offset
        path = self.heading_path
        for start, later in self.sections:
            if start <= at:
                path = later
        return path

    def citation(self) -> dict[str, Any]:
        """Citation metadata a client can turn into a link (everything but the text)."""
        data = asdict(self)
        data.pop("text")
        data.pop("sections")
        data["heading_path"] = list(self.heading_path)
        data["chunk_id"] = data.pop("id")
        return data


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A ranked passage returned by a search."""

    chunk: Chunk
    score: float
    rank: int
    scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: text, score, rank and citation metadata."""
        return {
            "text": self.chunk.text,
            "score": self.score,
            "rank": self.rank,
            "citation": self.chunk.citation(),
        }


def place_in_course(
    heading_path: Sequence[str], lesson_id: str | None, source_name: str | None
) -> tuple[str, str | None]:
    """(lesson or document title, section title or None) of a passage, from its heading path.

    Lesson material is headed course › module › lesson › sections; other documents course ›
    document title › sections.
    """
    path = [p for p in heading_path if p.strip()]
    if lesson_id and len(path) >= 3:
        lesson, rest = path[2], path[3:]
    elif len(path) >= 2:
        lesson, rest = path[1], path[2:]
    else:
        return (path[0] if path else source_name or "the course material"), None
    section = rest[-1] if rest and rest[-1] != lesson else None
    return lesson, section
