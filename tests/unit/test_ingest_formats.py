"""Structured material keeps its headings in citations whatever the file is called; prose stays plain."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.detect import detect_kind, kind_for_name
from ingest.errors import ContentMismatch, UnsupportedType
from ingest.pipeline import IngestPipeline, SourceFile
from retrieval.types import Chunk
from tests.unit._ingest_fakes import FakeRetrieval

COURSE = ("Python Course",)
DATASTRUCTURES = (
    Path(__file__).resolve().parents[3] / "shared/data/python-docs-3.11/rst/tutorial/datastructures.rst.txt"
)
# Long enough (> the chunker's merge threshold) that each section becomes its own chunk.
LISTS = " ".join(f"Lists keep their items in order and method number {i} changes them in place." for i in range(8))
INTRO = " ".join(f"Python has built-in data types and chapter part {i} introduces one of them." for i in range(5))
TUPLES = " ".join(f"Tuples are immutable sequences and example {i} packs several values together." for i in range(8))

RST = f"""\
**********
Data Types
**********

{INTRO}

.. note:: Every example runs in the interactive interpreter.

Lists
=====

{LISTS}

Tuples
======

{TUPLES}
"""
MARKDOWN = f"""\
# Data Types

{INTRO}

## Lists

{LISTS}

```python
items = [1, 2]
```

## Tuples

{TUPLES}
"""
HTML = f"""<!DOCTYPE html><html><head><title>x</title></head><body>
<nav>Home | Next</nav><h1>Data Types</h1><p>{INTRO}</p><h2>Lists</h2><p>{LISTS}</p><h2>Tuples</h2><p>{TUPLES}</p>
</body></html>"""
XHTML = '<?xml version="1.0" encoding="utf-8"?>\n' + HTML.replace(
    "<!DOCTYPE html><html>", '<html xmlns="http://www.w3.org/1999/xhtml">'
)
PROSE = f"""\
Notes from the second week.

{LISTS}
-------------------------------------------------------------------------

The snippet we typed in class:

# make a list
items = [1, 2]
# and a tuple
point = (1, 2)

{TUPLES} That is all for today.
"""


def ingest(filename: str, text: str) -> list[Chunk]:
    retrieval = FakeRetrieval()
    source = SourceFile("c1", "doc", filename, text.encode(), heading_prefix=COURSE)
    [result] = IngestPipeline(retrieval).ingest([source])
    assert result.status == "indexed", result.error
    return retrieval.of("doc")


def path_of(chunks: list[Chunk], phrase: str) -> tuple[str, ...]:
    return next(c.heading_path for c in chunks if phrase in c.text)


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("guide.rst.txt", RST),
        ("notes.md.txt", MARKDOWN),
        ("page.htm", HTML),
        ("page.xhtml", XHTML),
        ("lists.markdown", MARKDOWN),
        ("LISTS.MD", MARKDOWN),
        ("GUIDE.RST.TXT", RST),
        ("week2/guide.txt", RST),  # no hint in the name: the content is clearly reST
        ("notes.txt", MARKDOWN),  # ... or clearly Markdown
    ],
)
def test_headings_reach_citations_whatever_the_file_name(filename: str, text: str) -> None:
    chunks = ingest(filename, text)
    assert path_of(chunks, "chapter part 3") == (*COURSE, "Data Types")
    assert path_of(chunks, "method number 3") == (*COURSE, "Data Types", "Lists")
    assert path_of(chunks, "example 3") == (*COURSE, "Data Types", "Tuples")
    assert all("```" not in c.text and "=====" not in c.text and "<h2>" not in c.text for c in chunks)


def test_plain_prose_stays_plain_text() -> None:
    chunks = ingest("week2.txt", PROSE)
    assert detect_kind("week2.txt", PROSE.encode()) == "text"
    assert {c.heading_path for c in chunks} == {COURSE}
    assert "# make a list\nitems = [1, 2]" in "\n".join(c.text for c in chunks)


@pytest.mark.parametrize(
    ("filename", "kind"),
    [
        ("a.rst.txt", "rst"),
        ("a.rest.txt", "rst"),
        ("a.md.TXT", "markdown"),
        ("a.markdown.text", "markdown"),
        ("a.html.txt", "html"),
        ("a.HTM", "html"),
        ("report.pdf.txt", "text"),  # only text formats can hide behind .txt
        ("notes.v1.2.txt", "text"),
        ("archive.txt.md", "markdown"),
    ],
)
def test_kind_from_the_name(filename: str, kind: str) -> None:
    assert kind_for_name(filename) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (".. _intro:\n\n=========\n  Intro\n=========\n\nText.\n", "rst"),  # a label and an overlined title
        ("Setup\n=====\n\nRun it:\n\n```\npip install x\n```\n", "markdown"),  # setext + fence
        ("# Only heading\n\nOne paragraph of notes.\n", "text"),  # one signal is not enough
        ("Steps:\n\n# install\npip install x\n\n# run\nx --fast\n", "text"),  # comments in pasted code
        ("Summary line\n------------\n\nProse.\n", "text"),
    ],
)
def test_plain_text_name_with_markup_content(text: str, kind: str) -> None:
    assert detect_kind("notes.txt", text.encode()) == kind


def test_upload_checks_still_refuse_bad_files() -> None:
    with pytest.raises(ContentMismatch, match="looks like a PNG image"):
        detect_kind("guide.rst.txt", b"\x89PNG\r\n\x1a\n" + bytes(64))
    with pytest.raises(UnsupportedType):
        detect_kind("guide.rst.exe", RST.encode())


@pytest.mark.skipif(not DATASTRUCTURES.is_file(), reason=f"real Python docs not present at {DATASTRUCTURES}")
def test_python_tutorial_rst_txt_cites_its_sections() -> None:
    chunks = ingest(DATASTRUCTURES.name, DATASTRUCTURES.read_text(encoding="utf-8"))
    tuples = [c for c in chunks if "tuple" in c.text.lower() and "Tuples and Sequences" in c.heading_path]
    assert tuples, sorted({c.heading_path for c in chunks})
    assert tuples[0].heading_path == (*COURSE, "Data Structures", "Tuples and Sequences")
    assert len({c.heading_path for c in chunks}) > 5
