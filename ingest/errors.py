"""Typed ingestion errors, each with a user-facing message and a stable ``code``.

They subclass the domain errors of :mod:`tutor.errors`, so ``api/`` maps them to HTTP in its one place:
:class:`UnsupportedType` -> 415, :class:`TooLarge` -> 413, every other one -> 400 (invalid input).
A job summary records ``code`` and ``message`` per file.
"""

from __future__ import annotations

from tutor import errors as domain


class IngestError(domain.DomainError):
    """Base of every error a single file can fail with; the message is safe to show an instructor."""

    code = "ingest_error"

    def __init__(self, message: str, *, filename: str | None = None) -> None:
        super().__init__(message, details={"filename": filename} if filename else None)
        self.filename = filename


class UnsupportedType(IngestError, domain.UnsupportedMedia):
    """The file type (by extension or content) is not one we can ingest."""

    code = "unsupported_type"


class TooLarge(IngestError, domain.TooLarge):
    """The file exceeds the configured size limit."""

    code = "too_large"


class EmptyFile(IngestError, domain.InvalidInput):
    """The file has no bytes, or no text once parsed."""

    code = "empty_file"


class CorruptFile(IngestError, domain.InvalidInput):
    """The file claims a format but cannot be read as that format."""

    code = "corrupt_file"


class ContentMismatch(IngestError, domain.InvalidInput):
    """The content is of another kind than the extension says (e.g. a PDF named ``.md``)."""

    code = "content_mismatch"


class UndecodableText(IngestError, domain.InvalidInput):
    """A text file is neither UTF-8 nor UTF-16 with a byte-order mark."""

    code = "undecodable_text"


class NoTextLayer(IngestError, domain.InvalidInput):
    """A PDF whose pages carry no extractable text (scanned images); OCR is not supported."""

    code = "no_text_layer"


def check_size(filename: str, size: int, limit: int) -> None:
    """Raise :class:`TooLarge` when ``size`` bytes exceed ``limit`` bytes.

    Args:
        filename: Name shown in the message.
        size: Size of the file in bytes.
        limit: Maximum accepted size in bytes (from settings; the caller decides).

    Raises:
        TooLarge: When ``size > limit``.
    """
    if size > limit:
        raise TooLarge(f"{filename} is {_human(size)}; the limit is {_human(limit)}.", filename=filename)


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class TooManyPages(IngestError, domain.TooLarge):
    """The document has more pages than one upload may have (``TUTOR_MAX_DOCUMENT_PAGES``)."""

    code = "too_many_pages"


class TooManyChunks(IngestError, domain.TooLarge):
    """The document's text makes more chunks than one upload may have (``TUTOR_MAX_DOCUMENT_CHUNKS``)."""

    code = "too_many_chunks"


class TimeLimitReached(IngestError, domain.InvalidInput):
    """The job ran past its time limit and was stopped; its unfinished files are not indexed."""

    code = "time_limit"
