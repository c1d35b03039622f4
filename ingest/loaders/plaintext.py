"""Plain text: one section, paragraphs kept."""

from __future__ import annotations

from ingest.document import DocumentBuilder, ParsedDocument
from ingest.loaders.base import TextLoader, squash


class PlainTextLoader(TextLoader):
    """Loads ``.txt`` files as a single untitled section."""

    kind = "text"

    def parse(self, text: str, filename: str) -> ParsedDocument:
        """Normalise whitespace and return the text as one section."""
        builder = DocumentBuilder(kind=self.kind)
        builder.add_block(squash(text))
        return builder.build()
