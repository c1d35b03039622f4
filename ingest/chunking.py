"""Structure-aware, token-bounded chunking with overlap.

A document is cut into *units* (sentences, and code blocks whole; over-long units into lines, then
words). Units are
packed greedily into windows of at most ``max_tokens``, the next window re-using trailing units of
the previous one up to ``overlap_tokens``. Windows never cross a section boundary unless a section on
either side is tiny (fewer than ``merge_below`` tokens): a lone title or a transcript cue is merged
with its neighbours instead of becoming a useless chunk. Every chunk is an exact slice of the
document text: ``document.text[chunk.char_start:chunk.char_end] == chunk.text``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.document import ParsedDocument
from ingest.tokens import TokenCounter, default_counter
from retrieval.types import Chunk

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# Only whitespace may separate units (closing quotes/brackets stay with their sentence), so that the
# token count of a chunk is exactly the sum of its units' counts.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]])|(?<=[.!?][\"')\]]{2}))\s+(?=[\"'(\[]?[A-Z0-9])")
_LINE_BREAK = re.compile(r"\n\s*")
_WORD = re.compile(r"\S+")
_CHARS_PER_TOKEN = 4  # rough size of a WordPiece token in English prose


def chunk_id(document_id: str, ordinal: int) -> str:
    """Stable chunk id: the same document and position always give the same id (re-runs overwrite)."""
    return f"{document_id}#{ordinal}"


@dataclass(frozen=True, slots=True)
class _Unit:
    start: int
    end: int
    tokens: int
    section: int


class Chunker:
    """Cuts a :class:`ParsedDocument` into :class:`Chunk` objects.

    Args:
        max_tokens: Upper bound of WordPiece tokens per chunk (MiniLM reads at most 256 incl. specials).
        overlap_tokens: Tokens of trailing context repeated at the start of the next chunk (upper bound;
            whole sentences only).
        merge_below: Sections with fewer tokens than this merge with their neighbours.
        counter: Token counter; defaults to MiniLM's tokenizer.
    """

    def __init__(
        self,
        max_tokens: int = 200,
        overlap_tokens: int = 40,
        merge_below: int = 48,
        counter: TokenCounter | None = None,
    ) -> None:
        if not 0 <= overlap_tokens < max_tokens:
            raise ValueError("need 0 <= overlap_tokens < max_tokens")
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens
        self.merge_below = merge_below
        self.counter = counter or default_counter()

    def chunk(
        self,
        document: ParsedDocument,
        *,
        course_id: str,
        document_id: str,
        source_name: str = "",
        lesson_id: str | None = None,
        heading_prefix: tuple[str, ...] = (),
    ) -> list[Chunk]:
        """Chunks of ``document`` with citation metadata, ordinals 0..n-1.

        Args:
            document: Parsed document.
            course_id: Course the chunks belong to.
            document_id: Source document id (chunk ids derive from it).
            source_name: File name shown in citations.
            lesson_id: Lesson the document is attached to, if any.
            heading_prefix: Titles (course, module, lesson) prepended to each section's heading path.
        """
        chunks = []
        sections = document.sections
        for ordinal, (first, last) in enumerate(self.windows(document)):
            head, tail = sections[first.section], sections[last.section]
            path = head.heading_path
            # A title with a line of text merged into its first subsection: cite the subsection (its
            # path still names the title), since nearly all the text is the subsection's.
            nested = len(tail.heading_path) > len(path) and tail.heading_path[: len(path)] == path
            if nested and head.char_end - head.char_start < _CHARS_PER_TOKEN * self.merge_below:
                path = tail.heading_path
            # Where each section in the passage begins (the first one too when the passage is cited as another).
            starts = [(first.start, head.heading_path)] if path != head.heading_path else []
            starts += [
                (sections[i].char_start, sections[i].heading_path)
                for i in range(first.section + 1, last.section + 1)
                if first.start < sections[i].char_start < last.end
                and sections[i].heading_path != sections[i - 1].heading_path
            ]
            chunks.append(
                Chunk(
                    id=chunk_id(document_id, ordinal),
                    course_id=course_id,
                    document_id=document_id,
                    text=document.text[first.start : last.end],
                    ordinal=ordinal,
                    heading_path=join_headings(heading_prefix, path),
                    lesson_id=lesson_id,
                    source_name=source_name,
                    page=head.page,
                    start_seconds=head.start_seconds,
                    end_seconds=tail.end_seconds,
                    char_start=first.start,
                    char_end=last.end,
                    sections=tuple((at, join_headings(heading_prefix, where)) for at, where in starts),
                )
            )
        return chunks

    def windows(self, document: ParsedDocument) -> list[tuple[_Unit, _Unit]]:
        """(first unit, last unit) of every chunk, in document order."""
        windows: list[tuple[_Unit, _Unit]] = []
        for stream in self._streams(self._units(document)):
            windows.extend(self._pack(stream))
        return windows

    def _units(self, document: ParsedDocument) -> list[_Unit]:
        text = document.text
        spans: list[tuple[int, int, int]] = []
        for index, section in enumerate(document.sections):
            for start, end, code in _regions(section.char_start, section.char_end, document.code_spans):
                if code:
                    spans.append((start, end, index))
                    continue
                for p_start, p_end in _split(text, start, end, _PARAGRAPH_BREAK):
                    spans.extend((s, e, index) for s, e in _split(text, p_start, p_end, _SENTENCE_BREAK))
        counts = self.counter.count_many([text[s:e] for s, e, _ in spans])
        units: list[_Unit] = []
        for (start, end, index), tokens in zip(spans, counts, strict=True):
            if tokens <= self.max_tokens:
                units.append(_Unit(start, end, tokens, index))
            else:
                units.extend(self._split_long(text, start, end, index))
        return units

    def _split_long(self, text: str, start: int, end: int, section: int) -> list[_Unit]:
        """Cut an over-long unit at line breaks, then words, then characters."""
        out: list[_Unit] = []
        lines = _split(text, start, end, _LINE_BREAK)
        for (s, e), tokens in zip(lines, self.counter.count_many([text[s:e] for s, e in lines]), strict=True):
            if tokens <= self.max_tokens:
                out.append(_Unit(s, e, tokens, section))
                continue
            words = [(m.start(), m.end()) for m in _WORD.finditer(text, s, e)]
            counts = self.counter.count_many([text[ws:we] for ws, we in words])
            out.extend(self._pack_words(text, words, counts, section))
        return out

    def _pack_words(self, text: str, words: list[tuple[int, int]], counts: list[int], section: int) -> list[_Unit]:
        out: list[_Unit] = []
        run_start, run_end, total = -1, -1, 0
        for (ws, we), tokens in zip(words, counts, strict=True):
            if tokens > self.max_tokens:
                # One enormous "word" (minified code, base64): cut by characters. A WordPiece token
                # spans at least one character, so the slice length bounds its token count.
                step = self.max_tokens
                out.extend(_Unit(i, min(i + step, we), min(step, we - i), section) for i in range(ws, we, step))
                continue
            if run_start >= 0 and total + tokens > self.max_tokens:
                out.append(_Unit(run_start, run_end, total, section))
                run_start, total = -1, 0
            if run_start < 0:
                run_start = ws
            run_end, total = we, total + tokens
        if run_start >= 0:
            out.append(_Unit(run_start, run_end, total, section))
        return out

    def _streams(self, units: list[_Unit]) -> list[list[_Unit]]:
        """Group units into runs that may share a chunk: sections joined where one side is tiny."""
        if not units:
            return []
        totals: dict[int, int] = {}
        for unit in units:
            totals[unit.section] = totals.get(unit.section, 0) + unit.tokens
        streams: list[list[_Unit]] = [[units[0]]]
        for previous, unit in itertools.pairwise(units):
            same = unit.section == previous.section
            tiny = min(totals[unit.section], totals[previous.section]) < self.merge_below
            if same or tiny:
                streams[-1].append(unit)
            else:
                streams.append([unit])
        return streams

    def _pack(self, units: Sequence[_Unit]) -> list[tuple[_Unit, _Unit]]:
        windows: list[tuple[_Unit, _Unit]] = []
        i, n = 0, len(units)
        while i < n:
            j, total = i, 0
            while j < n and total + units[j].tokens <= self.max_tokens:
                total += units[j].tokens
                j += 1
            j = max(j, i + 1)
            windows.append((units[i], units[j - 1]))
            if j >= n:
                break
            k, overlap = j, 0
            while k - 1 > i and overlap + units[k - 1].tokens <= self.overlap_tokens:
                overlap += units[k - 1].tokens
                k -= 1
            # Overlap only when the next unit still fits after it: a window of overlap alone repeats
            # the previous chunk's tail as a chunk of its own.
            i = k if overlap + units[j].tokens <= self.max_tokens else j
        return windows


def _regions(start: int, end: int, code_spans: Sequence[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """``[start, end)`` cut into prose and code regions (``True`` for code), in order."""
    out: list[tuple[int, int, bool]] = []
    cursor = start
    for c_start, c_end in code_spans:
        c_start, c_end = max(c_start, start), min(c_end, end)
        if c_start >= c_end:
            continue
        if c_start > cursor:
            out.append((cursor, c_start, False))
        out.append((c_start, c_end, True))
        cursor = c_end
    if cursor < end:
        out.append((cursor, end, False))
    return out


def _split(text: str, start: int, end: int, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of ``text[start:end]`` between matches of ``separator``, stripped, empty ones dropped."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in separator.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def join_headings(prefix: tuple[str, ...], path: tuple[str, ...]) -> tuple[str, ...]:
    """``prefix + path`` without repeating a title: a lesson file usually opens with the lesson's own title."""
    if prefix and path and path[0].strip().casefold() == prefix[-1].strip().casefold():
        path = path[1:]
    return prefix + path
