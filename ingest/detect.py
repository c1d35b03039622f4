"""Decide a file's format from its name and content: the one place that chooses a loader.

The extension selects the format (case-insensitively); ``.txt``/``.text`` wrapping a structured
extension (``guide.rst.txt``, as Sphinx publishes its sources, or ``notes.md.txt``) takes the inner
format; any other plain-text file whose content is clearly reST or Markdown is loaded as that markup
(see :mod:`ingest.markup_sniff`), so its headings reach the citations. The content must agree with
the format: binary content under a text name, or a PDF/DOCX name on other bytes, is refused.
"""

from __future__ import annotations

import codecs
from pathlib import PurePath

from ingest.errors import ContentMismatch, CorruptFile, EmptyFile, UndecodableText, UnsupportedType
from ingest.markup_sniff import sniff_markup

#: Extension (lower case, with dot) -> format kind.
EXTENSIONS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".rst": "rst",
    ".rest": "rst",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "text",
    ".text": "text",
    ".vtt": "vtt",
    ".srt": "srt",
}

BINARY_KINDS = frozenset({"pdf", "docx"})
#: Formats with headings that a ``.txt``/``.text`` name may wrap (``guide.rst.txt`` is reST).
WRAPPABLE_KINDS = frozenset({"markdown", "rst", "html"})
#: Bytes of a plain-text file read to recognise markup in it.
SNIFF_BYTES = 256 * 1024

# Leading bytes of common binary formats -> a description for error messages.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "a PDF document"),
    (b"PK\x03\x04", "zip", "a ZIP archive (such as DOCX)"),
    (b"\x89PNG\r\n\x1a\n", "png", "a PNG image"),
    (b"\xff\xd8\xff", "jpeg", "a JPEG image"),
    (b"GIF87a", "gif", "a GIF image"),
    (b"GIF89a", "gif", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole", "a legacy Office file (.doc/.xls/.ppt)"),
    (b"\x7fELF", "elf", "an executable program"),
    (b"\x1f\x8b", "gzip", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "rar", "a RAR archive"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def supported_extensions() -> tuple[str, ...]:
    """Extensions the loaders accept, sorted (for messages and folder scans)."""
    return tuple(sorted(EXTENSIONS))


def kind_for_name(filename: str) -> str:
    """Format kind from the file name alone (case-insensitive; ``x.rst.txt`` is reST).

    Args:
        filename: Original file name, possibly with folders.

    Returns:
        One of the values of :data:`EXTENSIONS`.

    Raises:
        UnsupportedType: When the extension is missing or not supported.
    """
    suffixes = [suffix.lower() for suffix in PurePath(filename).suffixes]
    suffix = suffixes[-1] if suffixes else ""
    kind = EXTENSIONS.get(suffix)
    if kind == "text" and len(suffixes) >= 2 and EXTENSIONS.get(suffixes[-2]) in WRAPPABLE_KINDS:
        return EXTENSIONS[suffixes[-2]]
    if kind is None:
        what = f"'{suffix}' files are" if suffix else "files without an extension are"
        raise UnsupportedType(
            f"{filename}: {what} not supported (supported: {', '.join(supported_extensions())}).",
            filename=filename,
        )
    return kind


def sniff(data: bytes) -> tuple[str, str] | None:
    """Recognise a binary format by its leading bytes; returns (kind, description) or None."""
    head = data[:16]
    if data.lstrip(b" \t\r\n")[:5] == b"%PDF-":
        return "pdf", "a PDF document"
    for magic, kind, description in _SIGNATURES:
        if head.startswith(magic):
            return kind, description
    return None


def detect_kind(filename: str, data: bytes) -> str:
    """Format kind of a file, checked against its content.

    Args:
        filename: Original file name (its extension selects the format; a plain-text one may be
            refined to reST or Markdown by its content).
        data: The file bytes.

    Returns:
        One of the values of :data:`EXTENSIONS`.

    Raises:
        UnsupportedType: Unknown extension.
        EmptyFile: No bytes.
        ContentMismatch: The content is clearly of another format than the extension says.
        CorruptFile: A PDF/DOCX whose bytes are not that format at all.
    """
    kind = kind_for_name(filename)
    if not data:
        raise EmptyFile(f"{filename} is empty.", filename=filename)
    sniffed = sniff(data)
    expected = {"pdf": "pdf", "docx": "zip"}.get(kind)
    if expected is not None:
        if sniffed is not None and sniffed[0] == expected:
            return kind
        if sniffed is not None:
            raise ContentMismatch(
                f"{filename} is named as {kind.upper()} but its content looks like {sniffed[1]}.",
                filename=filename,
            )
        raise CorruptFile(f"{filename} is not a valid {kind.upper()} file.", filename=filename)
    if sniffed is not None:
        raise ContentMismatch(
            f"{filename} should be a text file but its content looks like {sniffed[1]}.",
            filename=filename,
        )
    if kind == "text":
        return sniff_markup(_text_head(data)) or kind
    return kind


def _text_head(data: bytes) -> str:
    # Lenient on purpose: undecodable bytes are reported by the loader, with a clear message.
    head = data[:SNIFF_BYTES]
    if head.startswith(_UTF16_BOMS):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def decode_text(data: bytes, filename: str) -> str:
    """Decode text: UTF-16 with a byte-order mark, else UTF-8 (with or without BOM).

    Raises:
        ContentMismatch: The bytes are binary (NUL or other control bytes), not text.
        UndecodableText: Not valid in any accepted encoding.
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UndecodableText(
                f"{filename} starts with a UTF-16 byte-order mark but is not valid UTF-16.",
                filename=filename,
            ) from None
    if b"\x00" in data:
        raise ContentMismatch(f"{filename} contains binary data, not text.", filename=filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UndecodableText(
            f"{filename} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and upload it again.",
            filename=filename,
        ) from None
    controls = sum(1 for ch in text[:65536] if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > max(8, len(text[:65536]) // 100):
        raise ContentMismatch(f"{filename} contains binary data, not text.", filename=filename)
    return text
