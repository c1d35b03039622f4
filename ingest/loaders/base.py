"""The loader interface: bytes of one format in, a :class:`ParsedDocument` out."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import ClassVar

from ingest.detect import decode_text
from ingest.document import ParsedDocument

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class Loader(ABC):
    """Parses one file format. Implementations raise :class:`ingest.errors.IngestError` subclasses."""

    kind: ClassVar[str]

    @abstractmethod
    def load(self, data: bytes, filename: str) -> ParsedDocument:
        """Extract the text and sections of ``data``.

        Args:
            data: The file bytes (already checked to be non-empty and of the right kind).
            filename: Original name, for error messages.
        """


class TextLoader(Loader):
    """A loader for a text format: decodes the bytes, then parses the string."""

    def load(self, data: bytes, filename: str) -> ParsedDocument:
        """Decode ``data`` (UTF-8 or UTF-16 with BOM) and parse it."""
        return self.parse(decode_text(data, filename), filename)

    @abstractmethod
    def parse(self, text: str, filename: str) -> ParsedDocument:
        """Parse decoded text."""


def squash(text: str) -> str:
    """Collapse runs of spaces (not newlines) and strip each line; drop blank-line runs beyond one."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def one_line(text: str) -> str:
    """Collapse all whitespace, newlines included, to single spaces."""
    return " ".join(text.split())
