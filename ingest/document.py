"""The output of every loader: extracted full text plus ordered, located sections."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Section:
    """A contiguous span of the document text that shares one location.

    Attributes:
        heading_path: Headings from the document root to this span (empty when the format has none).
        char_start: Offset of the span start in :attr:`ParsedDocument.text`.
        char_end: Offset just past the span end.
        page: 1-based page (PDF), when known.
        start_seconds: Transcript cue start, when known.
        end_seconds: Transcript cue end, when known.
    """

    heading_path: tuple[str, ...]
    char_start: int
    char_end: int
    page: int | None = None
    start_seconds: float | None = None
    end_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """Extracted text of one file and its sections, in reading order, non-overlapping.

    ``code_spans`` are the (start, end) offsets of code and console blocks, which the chunker keeps
    whole: a sentence break inside code (``...`` then ``2 is a prime``) is not a sentence break.
    """

    text: str
    sections: tuple[Section, ...]
    kind: str = ""
    code_spans: tuple[tuple[int, int], ...] = ()


@dataclass
class _Pending:
    heading_path: tuple[str, ...]
    page: int | None
    start_seconds: float | None
    end_seconds: float | None
    start: int | None = None


@dataclass
class DocumentBuilder:
    """Accumulates text blocks and section starts, then freezes them into a :class:`ParsedDocument`.

    Blocks are joined by a blank line by default, so paragraph boundaries survive into the text the
    chunker sees. A section's span starts at its first block, so separators never belong to a section.
    """

    kind: str = ""
    _parts: list[str] = field(default_factory=list)
    _length: int = 0
    _open: _Pending | None = None
    _sections: list[Section] = field(default_factory=list)
    _code: list[tuple[int, int]] = field(default_factory=list)

    def start_section(
        self,
        heading_path: tuple[str, ...] = (),
        *,
        page: int | None = None,
        start_seconds: float | None = None,
        end_seconds: float | None = None,
    ) -> None:
        """Close the open section (if any) and open a new one; its span starts at its next block."""
        self._close()
        self._open = _Pending(heading_path, page, start_seconds, end_seconds)

    def add_block(self, text: str, separator: str = "\n\n", *, code: bool = False) -> None:
        """Append a block of text (stripped; empty blocks are ignored); ``code`` marks a code block."""
        text = text.strip()
        if not text:
            return
        if self._open is None:
            self.start_section()
        assert self._open is not None
        if self._parts:
            self._parts.append(separator)
            self._length += len(separator)
        if self._open.start is None:
            self._open.start = self._length
        self._parts.append(text)
        if code:
            self._code.append((self._length, self._length + len(text)))
        self._length += len(text)

    @property
    def is_empty(self) -> bool:
        """True while no block has been added."""
        return not self._parts

    def build(self) -> ParsedDocument:
        """Freeze the accumulated text and sections (sections without text are dropped)."""
        self._close()
        return ParsedDocument(
            text="".join(self._parts), sections=tuple(self._sections), kind=self.kind, code_spans=tuple(self._code)
        )

    def _close(self) -> None:
        pending, self._open = self._open, None
        if pending is None or pending.start is None:
            return
        self._sections.append(
            Section(
                heading_path=pending.heading_path,
                char_start=pending.start,
                char_end=self._length,
                page=pending.page,
                start_seconds=pending.start_seconds,
                end_seconds=pending.end_seconds,
            )
        )
