"""Bad input gets a typed error with a clear message, never a crash or a silent empty document."""

from __future__ import annotations

import io
import zipfile

import pytest

from ingest.errors import (
    ContentMismatch,
    CorruptFile,
    EmptyFile,
    IngestError,
    NoTextLayer,
    TooLarge,
    UndecodableText,
    UnsupportedType,
    check_size,
)
from ingest.loaders import docx as docx_loader
from ingest.loaders import load_document
from tests.unit._ingest_fakes import make_docx, make_image_pdf, make_pdf
from tutor import errors as domain

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))


def _zip(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "error", "code", "phrase"),
    [
        ("empty.md", b"", EmptyFile, "empty_file", "empty"),
        ("blank.txt", b"  \n\n\t ", EmptyFile, "empty_file", "no text"),
        ("only-script.html", b"<html><body><script>x()</script></body></html>", EmptyFile, "empty_file", "no text"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", CorruptFile, "corrupt_file", "PDF"),
        ("text.pdf", b"just some words", CorruptFile, "corrupt_file", "not a valid PDF"),
        ("broken.docx", make_docx()[:400], CorruptFile, "corrupt_file", "DOCX"),
        ("other.docx", _zip("hello.txt", b"hi"), CorruptFile, "corrupt_file", "DOCX"),
        ("slides.md", make_pdf(["a"]), ContentMismatch, "content_mismatch", "looks like a PDF"),
        ("photo.txt", PNG, ContentMismatch, "content_mismatch", "PNG image"),
        ("blob.txt", b"abc\x00\x01\x02def" * 20, ContentMismatch, "content_mismatch", "binary"),
        ("image.pdf", PNG, ContentMismatch, "content_mismatch", "PNG image"),
        ("latin1.txt", "café olé".encode("latin-1"), UndecodableText, "undecodable_text", "UTF-8"),
        ("scan.pdf", make_image_pdf(), NoTextLayer, "no_text_layer", "OCR is not supported"),
        ("program.exe", b"MZ\x90\x00", UnsupportedType, "unsupported_type", "'.exe'"),
        ("picture.png", PNG, UnsupportedType, "unsupported_type", "'.png'"),
        ("README", b"hello", UnsupportedType, "unsupported_type", "without an extension"),
        ("talk.vtt", b"00:00:01.000 --> 00:00:02.000\nhi\n", CorruptFile, "corrupt_file", "WEBVTT"),
        ("talk.srt", b"just text, no cues\n", CorruptFile, "corrupt_file", "no timed cues"),
    ],
)
def test_bad_input_is_reported_clearly(
    filename: str, data: bytes, error: type[IngestError], code: str, phrase: str
) -> None:
    with pytest.raises(error) as caught:
        load_document(filename, data)
    assert caught.value.code == code
    assert filename in caught.value.message
    assert phrase in caught.value.message


def test_too_large() -> None:
    check_size("ok.pdf", 1000, limit=1000)
    with pytest.raises(TooLarge) as caught:
        check_size("big.pdf", 3 * 1024 * 1024, limit=2 * 1024 * 1024)
    assert caught.value.code == "too_large"
    assert caught.value.message == "big.pdf is 3.0 MB; the limit is 2.0 MB."


def test_docx_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_loader, "MAX_UNCOMPRESSED", 1024 * 1024)  # the real cap is 256 MB
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (2 * 1024 * 1024))
    with pytest.raises(TooLarge, match="expands to more than 1 MB"):
        load_document("bomb.docx", out.getvalue())


def test_errors_map_onto_domain_errors() -> None:
    # api/ maps domain errors to HTTP in one place: 415, 413, and 400 for the rest.
    assert issubclass(UnsupportedType, domain.UnsupportedMedia)
    assert issubclass(TooLarge, domain.TooLarge)
    for error in (EmptyFile, CorruptFile, ContentMismatch, UndecodableText, NoTextLayer):
        assert issubclass(error, domain.InvalidInput)
