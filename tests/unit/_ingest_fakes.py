"""Test doubles and generated fixtures for the ingestion tests (not collected: no ``test_`` prefix)."""

from __future__ import annotations

import io

import numpy as np

from retrieval.types import Chunk


class FakeEmbedder:
    """Deterministic 8-dim vectors; counts calls and texts so batching can be asserted."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[int] = []
        self.fail_on = fail_on

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if self.fail_on is not None and any(self.fail_on in text for text in texts):
            raise RuntimeError("model crashed")
        self.calls.append(len(texts))
        rows = [[float((hash(text) >> shift) & 0xFF) for shift in range(0, 64, 8)] for text in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), 8)


class FakeRetrieval:
    """In-memory index keyed by chunk id (upsert semantics, like the real store)."""

    def __init__(self, embedder: FakeEmbedder | None = None) -> None:
        self.embedder = embedder or FakeEmbedder()
        self.chunks: dict[str, Chunk] = {}
        self.deletes: list[tuple[str, str]] = []

    def add_chunks(self, chunks: list[Chunk], embeddings: np.ndarray | None = None) -> None:
        assert embeddings is not None and len(embeddings) == len(chunks)
        for chunk in chunks:
            self.chunks[chunk.id] = chunk

    def delete_document(self, course_id: str, document_id: str) -> int:
        self.deletes.append((course_id, document_id))
        doomed = [k for k, c in self.chunks.items() if c.course_id == course_id and c.document_id == document_id]
        for key in doomed:
            del self.chunks[key]
        return len(doomed)

    def of(self, document_id: str) -> list[Chunk]:
        return sorted((c for c in self.chunks.values() if c.document_id == document_id), key=lambda c: c.ordinal)


class CountingRetrieval(FakeRetrieval):
    """A fake that can also count a course's chunks (the optional capability)."""

    def count(self, course_id: str) -> int:
        return sum(chunk.course_id == course_id for chunk in self.chunks.values())


def make_pdf(pages: list[str]) -> bytes:
    """A PDF with one page per string (fpdf2, core font)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def make_image_pdf() -> bytes:
    """A 'scanned' PDF: one page holding only an image, no text layer."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("RGB", (60, 30), (200, 30, 30))
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=60)
    return bytes(pdf.output())


def make_docx() -> bytes:
    """A DOCX with a title, nested headings, paragraphs and a table."""
    import docx

    document = docx.Document()
    document.add_heading("Python Basics", level=0)
    document.add_paragraph("Python is a programming language that lets you work quickly.")
    document.add_heading("Variables", level=1)
    document.add_paragraph("A variable names a value. Assignment binds the name.")
    document.add_heading("Naming rules", level=2)
    document.add_paragraph("Names may contain letters, digits and underscores.")
    document.add_heading("Loops", level=1)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "for"
    table.cell(0, 1).text = "iterates over a sequence"
    table.cell(1, 0).text = "while"
    table.cell(1, 1).text = "repeats while a condition holds"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
