"""DOCX via python-docx: heading styles (Title, Heading 1..9) become the heading path."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.document import DocumentBuilder, ParsedDocument
from ingest.errors import CorruptFile, TooLarge
from ingest.limits import INTERRUPTS
from ingest.loaders.base import Loader, one_line

_HEADING = re.compile(r"^heading (\d)$", re.IGNORECASE)
# A DOCX is a ZIP: refuse archives that would inflate beyond this before python-docx reads them.
MAX_UNCOMPRESSED = 256 * 1024 * 1024


class DocxLoader(Loader):
    """Loads paragraphs and tables of a Word document in body order."""

    kind = "docx"

    def load(self, data: bytes, filename: str) -> ParsedDocument:
        """Walk the body; a heading paragraph opens a section at its level.

        Raises:
            CorruptFile: The bytes are not a readable DOCX package.
        """
        _check_inflated_size(data, filename)
        try:
            document = docx.Document(io.BytesIO(data))
            blocks = list(document.iter_inner_content())
        except INTERRUPTS:
            raise
        except Exception:
            # A broken ZIP, a missing part or bad XML: to the user they all mean "corrupt".
            raise CorruptFile(f"{filename} is damaged or not a readable DOCX.", filename=filename) from None
        builder = DocumentBuilder(kind=self.kind)
        stack: list[tuple[int, str]] = []
        for block in blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    cells = (one_line(cell.text) for cell in row.cells)
                    builder.add_block(" | ".join(dict.fromkeys(cell for cell in cells if cell)))
                continue
            level = _heading_level(block)
            text = block.text.strip()
            if level is None or not text:
                builder.add_block(text)
                continue
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, one_line(text)))
            builder.start_section(tuple(title for _, title in stack))
            builder.add_block(one_line(text))
        return builder.build()


def _check_inflated_size(data: bytes, filename: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CorruptFile(f"{filename} is damaged or not a readable DOCX.", filename=filename) from None
    if inflated > MAX_UNCOMPRESSED:
        raise TooLarge(f"{filename} expands to more than {MAX_UNCOMPRESSED >> 20} MB.", filename=filename)


def _heading_level(paragraph: Paragraph) -> int | None:
    style = paragraph.style
    name = (style.name or "") if style is not None else ""
    if name.lower() == "title":
        return 0
    match = _HEADING.match(name)
    return int(match.group(1)) if match else None
