"""WebVTT and SRT transcripts: one section per cue, carrying its start and end in seconds."""

from __future__ import annotations

import re

from ingest.document import DocumentBuilder, ParsedDocument
from ingest.errors import CorruptFile
from ingest.loaders.base import TextLoader, one_line

_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_TAGS = re.compile(r"<[^>]*>|\{\\[^}]*\}")  # <v Name>, <i>, <00:01.000>, SSA overrides like {\an8}


def parse_timestamp(value: str) -> float:
    """Seconds from ``[hh:]mm:ss.mmm`` (or ``,`` before the milliseconds, as SRT writes it)."""
    clock, _, fraction = value.replace(",", ".").partition(".")
    seconds = 0
    for part in clock.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds + (int(fraction.ljust(3, "0")[:3]) / 1000 if fraction else 0.0)


def _cues(lines: list[str]) -> list[tuple[float, float, str]]:
    cues: list[tuple[float, float, str]] = []
    i = 0
    while i < len(lines):
        match = _TIMING.match(lines[i])
        if match is None:
            i += 1
            continue
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() and not _TIMING.match(lines[i]):
            body.append(lines[i])
            i += 1
        text = one_line(_TAGS.sub("", " ".join(body)))
        if text:
            cues.append((parse_timestamp(match.group(1)), parse_timestamp(match.group(2)), text))
    return cues


class _TranscriptLoader(TextLoader):
    def parse(self, text: str, filename: str) -> ParsedDocument:
        lines = self.cue_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), filename)
        cues = _cues(lines)
        if not cues:
            raise CorruptFile(f"{filename} contains no timed cues.", filename=filename)
        builder = DocumentBuilder(kind=self.kind)
        for start, end, cue_text in cues:
            builder.start_section((), start_seconds=start, end_seconds=end)
            builder.add_block(cue_text, separator="\n")
        return builder.build()

    def cue_lines(self, lines: list[str], filename: str) -> list[str]:
        return lines


class VttLoader(_TranscriptLoader):
    """Loads WebVTT; NOTE, STYLE and REGION blocks are ignored, voice/class tags stripped."""

    kind = "vtt"

    def cue_lines(self, lines: list[str], filename: str) -> list[str]:
        """Check the WEBVTT header and blank out comment/style blocks."""
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise CorruptFile(f"{filename} is not WebVTT (missing the WEBVTT header).", filename=filename)
        kept: list[str] = []
        skipping, block_start = False, True
        for line in lines[1:]:
            if not line.strip():
                skipping, block_start = False, True
            elif block_start:
                skipping = line.split(" ", 1)[0] in ("NOTE", "STYLE", "REGION")
                block_start = False
            kept.append("" if skipping else line)
        return kept


class SrtLoader(_TranscriptLoader):
    """Loads SubRip (SRT) subtitles; sequence numbers are ignored."""

    kind = "srt"
