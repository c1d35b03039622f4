"""Chunks are token-bounded, overlap, respect structure, and are exact slices of the document text."""

from __future__ import annotations

import itertools

import pytest

from ingest.chunking import Chunker, chunk_id
from ingest.document import DocumentBuilder, ParsedDocument
from ingest.loaders import load_document
from ingest.tokens import ApproxCounter, default_counter
from tests.unit._ingest_fakes import make_pdf

# Some sentences end inside quotes or brackets: those closers must stay with their sentence.
SENTENCES = [
    f"Sentence number {i} explains how the interpreter evaluates expression {i}." + ('"', ")", "")[i % 3]
    for i in range(60)
]


def two_sections(first: list[str], second: list[str]) -> ParsedDocument:
    builder = DocumentBuilder()
    builder.start_section(("A",))
    builder.add_block(" ".join(first))
    builder.start_section(("A", "B"))
    builder.add_block(" ".join(second))
    return builder.build()


def chunk(doc: ParsedDocument, chunker: Chunker | None = None, **kw):
    return (chunker or Chunker()).chunk(doc, course_id="c1", document_id="d1", **kw)


@pytest.mark.parametrize("counter", [default_counter(), ApproxCounter()], ids=["wordpiece", "approx"])
def test_token_bound_overlap_and_exact_offsets(counter) -> None:
    chunker = Chunker(max_tokens=120, overlap_tokens=30, counter=counter)
    doc = two_sections(SENTENCES[:40], SENTENCES[40:])
    chunks = chunk(doc, chunker)
    assert len(chunks) > 4
    for c in chunks:
        assert doc.text[c.char_start : c.char_end] == c.text
        assert counter.count_many([c.text])[0] <= 120
        assert c.text.rstrip('")').endswith(".")  # windows end on sentence boundaries
    first_section = [c for c in chunks if c.heading_path == ("A",)]
    for left, right in itertools.pairwise(first_section):
        assert right.char_start < left.char_end  # overlap
        shared = doc.text[right.char_start : left.char_end]
        assert 0 < counter.count_many([shared])[0] <= 30


def test_chunks_do_not_cross_substantial_sections() -> None:
    doc = two_sections(SENTENCES[:12], SENTENCES[12:24])
    boundary = doc.sections[1].char_start
    chunks = chunk(doc)
    assert {c.heading_path for c in chunks} == {("A",), ("A", "B")}
    assert all(c.char_end <= boundary or c.char_start >= boundary for c in chunks)


def test_a_tiny_title_section_merges_into_its_subsection_which_the_chunk_cites() -> None:
    doc = two_sections(["Title only."], SENTENCES[:3])
    chunks = chunk(doc)
    assert len(chunks) == 1
    assert chunks[0].heading_path == ("A", "B")  # nearly all of the text is B's; the path still names A
    assert chunks[0].text.startswith("Title only.") and chunks[0].text.endswith(SENTENCES[2])


def test_short_sections_packed_into_one_chunk_say_where_each_begins() -> None:
    text = (
        "# Routes\n\nA route pairs a method and a path.\n\n"
        "## Query parameters\n\nOptions belong in the query string.\n\n"
        "## Status codes\n\nCreating something answers 201.\n\n"
        "## Mistakes\n\nVerbs in paths are a mistake.\n"
    )
    [packed] = chunk(load_document("routes.md", text.encode()), heading_prefix=("Course",))
    assert packed.heading_path == ("Course", "Routes", "Mistakes")  # cited (and indexed) as before
    assert [path for _, path in packed.sections] == [
        ("Course", "Routes"),
        ("Course", "Routes", "Query parameters"),
        ("Course", "Routes", "Status codes"),
        ("Course", "Routes", "Mistakes"),
    ]
    where = {
        line: packed.heading_path_at(packed.text.index(line))
        for line in ("A route pairs", "Options belong", "Creating something answers 201", "Verbs in paths")
    }
    assert [path[-1] for path in where.values()] == ["Routes", "Query parameters", "Status codes", "Mistakes"]
    assert "sections" not in packed.citation()  # where a quote stands is the tutor's business, not the client's


def test_transcript_cues_merge_with_timestamps() -> None:
    lines = ["WEBVTT", ""]
    for i in range(80):
        lines += [f"00:{i // 6:02d}:{(i % 6) * 10:02d}.000 --> 00:{i // 6:02d}:{(i % 6) * 10 + 9:02d}.000"]
        lines += [f"In this part we discuss topic {i} of the lecture.", ""]
    doc = load_document("talk.vtt", "\n".join(lines).encode())
    chunks = chunk(doc)
    assert 1 < len(chunks) < 20
    assert chunks[0].start_seconds == 0.0
    assert chunks[-1].end_seconds == 13 * 60 + 19.0  # cue 79 ends at 00:13:19
    for left, right in itertools.pairwise(chunks):
        assert left.start_seconds < right.start_seconds <= left.end_seconds  # overlapping cue windows


def test_pdf_pages_and_heading_prefix_reach_chunks() -> None:
    doc = load_document("n.pdf", make_pdf([" ".join(SENTENCES[:6]), " ".join(SENTENCES[6:12])]))
    chunks = chunk(doc, heading_prefix=("Course", "Module 1"), lesson_id="L1", source_name="n.pdf")
    assert [c.page for c in chunks] == [1, 2]
    assert all(c.heading_path == ("Course", "Module 1") for c in chunks)
    assert all(c.lesson_id == "L1" and c.source_name == "n.pdf" and c.course_id == "c1" for c in chunks)


def test_overlong_unbroken_text_is_still_bounded() -> None:
    builder = DocumentBuilder()
    builder.add_block("word " * 700 + "x" * 5000)
    doc = builder.build()
    counter = default_counter()
    chunks = chunk(doc)
    assert all(counter.count_many([c.text])[0] <= 200 for c in chunks)
    assert "".join(c.text for c in chunks).count("x") >= 5000


def test_ids_are_stable_and_ordinal_based() -> None:
    doc = two_sections(SENTENCES[:30], SENTENCES[30:])
    first, second = chunk(doc), chunk(doc)
    assert [c.id for c in first] == [c.id for c in second] == [chunk_id("d1", i) for i in range(len(first))]
    assert [c.ordinal for c in first] == list(range(len(first)))


def test_invalid_overlap_rejected() -> None:
    with pytest.raises(ValueError, match="overlap"):
        Chunker(max_tokens=50, overlap_tokens=50)


CONSOLE = """Loop statements may have an else clause. It runs when the loop ends without a break, as
this search for primes shows::

   >>> for n in range(2, 10):
   ...     for x in range(2, n):
   ...         if n % x == 0:
   ...             print(n, 'equals', x, '*', n//x)
   ...             break
   ...     else:
   ...         print(n, 'is a prime number')
   ...
   2 is a prime number
   3 is a prime number
   4 equals 2 * 2

   5 is a prime number

The continue statement goes on with the next iteration of the loop.
"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("loops.rst", "Loops\n=====\n\n" + CONSOLE),
        (
            "loops.md",
            "# Loops\n\n"
            + CONSOLE.replace("::\n\n   ", ":\n\n```\n")
            .replace("\n   ", "\n")
            .replace("\n\nThe continue", "\n```\n\nThe continue"),
        ),
    ],
)
def test_a_code_block_is_never_cut_between_chunks(name: str, text: str) -> None:
    """A console session stays whole: its '...' prompt followed by output is not a sentence end."""
    doc = load_document(name, text.encode())
    assert doc.code_spans, "the loader marks the code block"
    # Small windows: any split point inside the block would show up as a chunk edge inside it.
    chunks = chunk(doc, Chunker(max_tokens=110, overlap_tokens=20, merge_below=4))
    ((start, end),) = doc.code_spans
    for c in chunks:
        assert not start < c.char_start < end, f"a chunk starts inside the code block: {c.text[:60]!r}"
        assert not start < c.char_end < end, f"a chunk ends inside the code block: {c.text[-60:]!r}"
    assert any("2 is a prime number" in c.text and ">>> for n" in c.text for c in chunks)


def test_no_chunk_is_only_the_tail_of_the_previous_one() -> None:
    """When the next unit is too big to share a window with the overlap, the next chunk starts fresh."""
    doc = load_document("loops.rst", ("Loops\n=====\n\n" + CONSOLE).encode())
    chunks = chunk(doc, Chunker(max_tokens=110, overlap_tokens=20, merge_below=4))
    for before, after in itertools.pairwise(chunks):
        assert after.char_end > before.char_end, (before.text, after.text)
