"""Format loaders, one module per format, and :func:`load_document` which picks and checks one."""

from __future__ import annotations

from ingest.detect import detect_kind
from ingest.document import ParsedDocument
from ingest.errors import EmptyFile
from ingest.limits import UNLIMITED, DocumentLimits
from ingest.loaders.base import Loader
from ingest.loaders.docx import DocxLoader
from ingest.loaders.html import HtmlLoader
from ingest.loaders.markdown import MarkdownLoader
from ingest.loaders.pdf import PdfLoader
from ingest.loaders.plaintext import PlainTextLoader
from ingest.loaders.rst import RstLoader
from ingest.loaders.transcript import SrtLoader, VttLoader

LOADERS: dict[str, Loader] = {
    loader.kind: loader
    for loader in (
        MarkdownLoader(), RstLoader(), HtmlLoader(), PdfLoader(), DocxLoader(), PlainTextLoader(),
        VttLoader(), SrtLoader(),
    )
}  # fmt: skip


def load_document(filename: str, data: bytes, limits: DocumentLimits = UNLIMITED) -> ParsedDocument:
    """Detect the format of ``data`` (extension, checked by sniffing) and parse it.

    Args:
        filename: Original file name.
        data: File bytes.
        limits: Per-document caps; the page cap applies to paged formats (PDF) before extraction.

    Returns:
        The extracted text and its sections.

    Raises:
        ingest.errors.IngestError: A subclass naming what is wrong (unsupported, empty, corrupt, ...).
    """
    kind = detect_kind(filename, data)
    loader = LOADERS[kind]
    if isinstance(loader, PdfLoader):
        document = loader.load(data, filename, limits=limits)
    else:
        document = loader.load(data, filename)
    if not document.text.strip():
        raise EmptyFile(f"{filename} contains no text.", filename=filename)
    return document


__all__ = ["LOADERS", "Loader", "load_document"]
