"""PDF via pypdf: one section per page, so every chunk knows its page number."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader

from ingest.document import DocumentBuilder, ParsedDocument
from ingest.errors import CorruptFile, NoTextLayer, TooManyPages
from ingest.limits import INTERRUPTS, UNLIMITED, DocumentLimits
from ingest.loaders.base import Loader, squash

# pypdf logs every recoverable oddity of real-world PDFs as a warning; that is noise for us.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class PdfLoader(Loader):
    """Loads the text layer of a PDF page by page. Scanned (image-only) PDFs are rejected, not OCR'd."""

    kind = "pdf"

    def load(self, data: bytes, filename: str, *, limits: DocumentLimits = UNLIMITED) -> ParsedDocument:
        """Extract each page's text as a section carrying its 1-based page number.

        Args:
            data: The PDF bytes.
            filename: Original name, for error messages.
            limits: Page cap, checked before any text is extracted (extraction is the slow part).

        Raises:
            CorruptFile: The bytes cannot be read as a PDF, or it is password-protected.
            TooManyPages: The PDF has more pages than ``limits`` allows.
            NoTextLayer: No page has extractable text.
        """
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise CorruptFile(f"{filename} is password-protected.", filename=filename)
            limits.check_pages(filename, len(reader.pages))
            pages = [page.extract_text() or "" for page in reader.pages]
        except (CorruptFile, TooManyPages):
            raise
        except INTERRUPTS:
            raise
        except Exception:
            # pypdf raises many exception types on damaged files; to the user they all mean "corrupt".
            raise CorruptFile(f"{filename} is damaged or not a readable PDF.", filename=filename) from None
        builder = DocumentBuilder(kind=self.kind)
        for number, page_text in enumerate(pages, start=1):
            builder.start_section((), page=number)
            for paragraph in squash(page_text).split("\n\n"):
                builder.add_block(paragraph)
        if builder.is_empty:
            raise NoTextLayer(
                f"{filename} has no text layer (it looks scanned); OCR is not supported.", filename=filename
            )
        return builder.build()
