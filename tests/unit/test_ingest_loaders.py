"""Each supported format parses into text, heading paths, pages, timestamps and exact offsets."""

from __future__ import annotations

import codecs

import pytest

from ingest.document import ParsedDocument
from ingest.loaders import load_document
from tests.unit._ingest_fakes import make_docx, make_pdf


def section_texts(doc: ParsedDocument) -> list[tuple[tuple[str, ...], str]]:
    return [(s.heading_path, doc.text[s.char_start : s.char_end]) for s in doc.sections]


def assert_sections_consistent(doc: ParsedDocument) -> None:
    previous_end = 0
    for section in doc.sections:
        assert previous_end <= section.char_start < section.char_end <= len(doc.text)
        assert (
            doc.text[section.char_start : section.char_end].strip() == doc.text[section.char_start : section.char_end]
        )
        previous_end = section.char_end


MARKDOWN = """# Loops

Python has two loops.

## for

A `for` loop iterates over *any* sequence.

```python
for x in range(3):
    print(x)
```

## while

| keyword | meaning |
|---|---|
| break | leave the loop |

# Functions

Use `def`.
"""


def test_markdown_heading_paths_code_and_tables() -> None:
    doc = load_document("loops.md", MARKDOWN.encode())
    assert_sections_consistent(doc)
    got = section_texts(doc)
    assert got[0] == (("Loops",), "Loops\n\nPython has two loops.")
    assert got[1][0] == ("Loops", "for")
    assert "A for loop iterates over any sequence." in got[1][1]
    assert "for x in range(3):\n    print(x)" in got[1][1]
    assert got[2] == (("Loops", "while"), "while\n\nkeyword | meaning\n\nbreak | leave the loop")
    assert got[3] == (("Functions",), "Functions\n\nUse def.")


def test_markdown_front_matter_is_not_content() -> None:
    doc = load_document("page.md", b"---\ntitle: Loops\nweight: 2\n---\n# Loops\n\nBody.\n")
    assert section_texts(doc) == [(("Loops",), "Loops\n\nBody.")]


RST = """
=========
Tutorial
=========

Intro text with a :func:`len` call and :class:`~collections.OrderedDict`.

Lists
=====

A list is mutable.

.. code-block:: python

   xs = [1, 2]

.. note::

   Lists can hold anything.

Tuples
======

A tuple is not.
"""


def test_rst_sections_and_sphinx_markup() -> None:
    doc = load_document("tutorial.rst", RST.encode())
    assert_sections_consistent(doc)
    got = dict(section_texts(doc))
    assert "len call and OrderedDict." in got[("Tutorial",)]
    lists = got[("Tutorial", "Lists")]
    assert lists.startswith("Lists\n\nA list is mutable.")
    assert "xs = [1, 2]" in lists and "Lists can hold anything." in lists
    assert got[("Tutorial", "Tuples")] == "Tuples\n\nA tuple is not."
    assert ":func:" not in doc.text and ".. code-block" not in doc.text


HTML = """<!doctype html><html><head><title>T</title><style>p{}</style></head><body>
<nav><a href="/">Home</a> | <a href="/next">Next</a></nav>
<div role="navigation" class="related">Previous topic</div>
<h1>Errors<a class="headerlink" href="#e">¶</a></h1><p>Things go <b>wrong</b>.</p>
<script>alert("x")</script>
<h2>Exceptions</h2><p>Raise them.</p><pre>raise ValueError("bad")
  # indented</pre>
<footer>Copyright</footer></body></html>"""


def test_html_drops_navigation_scripts_and_styles() -> None:
    doc = load_document("errors.html", HTML.encode())
    assert_sections_consistent(doc)
    assert section_texts(doc) == [
        (("Errors",), "Errors\n\nThings go wrong."),
        (("Errors", "Exceptions"), 'Exceptions\n\nRaise them.\n\nraise ValueError("bad")\n  # indented'),
    ]
    for noise in ("Home", "Previous topic", "alert", "p{}", "Copyright", "¶"):
        assert noise not in doc.text


def test_pdf_pages_are_numbered() -> None:
    data = make_pdf(["Page one talks about variables.", "Page two talks about loops."])
    doc = load_document("notes.pdf", data)
    assert_sections_consistent(doc)
    assert [(s.page, doc.text[s.char_start : s.char_end]) for s in doc.sections] == [
        (1, "Page one talks about variables."),
        (2, "Page two talks about loops."),
    ]


def test_docx_heading_styles_become_paths() -> None:
    doc = load_document("basics.docx", make_docx())
    assert_sections_consistent(doc)
    got = section_texts(doc)
    assert [path for path, _ in got] == [
        ("Python Basics",),
        ("Python Basics", "Variables"),
        ("Python Basics", "Variables", "Naming rules"),
        ("Python Basics", "Loops"),
    ]
    assert got[1][1] == "Variables\n\nA variable names a value. Assignment binds the name."
    assert got[3][1] == "Loops\n\nfor | iterates over a sequence\n\nwhile | repeats while a condition holds"


VTT = """WEBVTT

NOTE this is a comment

intro
00:00:01.000 --> 00:00:04.500 align:start
<v Ana>Welcome to the course.

00:01:05.250 --> 00:01:09.000
Today: <i>loops</i>
and lists.
"""

SRT = """1
00:00:01,000 --> 00:00:02,000
Hello there.

2
01:00:00,500 --> 01:00:03,000
<i>Goodbye.</i>
"""


def test_webvtt_cues_carry_timestamps() -> None:
    doc = load_document("lecture.vtt", VTT.encode())
    assert_sections_consistent(doc)
    cues = [(s.start_seconds, s.end_seconds, doc.text[s.char_start : s.char_end]) for s in doc.sections]
    assert cues == [(1.0, 4.5, "Welcome to the course."), (65.25, 69.0, "Today: loops and lists.")]
    assert "comment" not in doc.text


def test_srt_cues_carry_timestamps() -> None:
    doc = load_document("lecture.srt", SRT.encode())
    cues = [(s.start_seconds, s.end_seconds, doc.text[s.char_start : s.char_end]) for s in doc.sections]
    assert cues == [(1.0, 2.0, "Hello there."), (3600.5, 3603.0, "Goodbye.")]


@pytest.mark.parametrize(
    "encoded",
    [
        "café\nsecond line".encode(),
        codecs.BOM_UTF8 + "café\nsecond line".encode(),
        "café\nsecond line".encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + "café\nsecond line".encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom"],
)
def test_plain_text_encodings(encoded: bytes) -> None:
    doc = load_document("notes.txt", encoded)
    assert doc.text == "café\nsecond line"
    assert [(s.heading_path, s.char_start, s.char_end) for s in doc.sections] == [((), 0, len(doc.text))]
