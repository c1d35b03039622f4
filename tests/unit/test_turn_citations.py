"""A cited source names the section and shows the text the answer quoted from it."""

from __future__ import annotations

from agents.turn import TurnRecord, citation_payload, cited_numbers, quoted_lines
from retrieval.types import Chunk, SearchHit

SCOPE = "Local scope\n\nA variable assigned inside a function is local to that function call."
TUPLES = "Tuples\n\nA tuple is like a list that cannot be changed\nafter it is created. Tuples are immutable."
TEXT = f"{SCOPE}\n\n{TUPLES}"
FIRST = ("Intro to Python", "Data", "Scope", "Local scope")
LATER = ("Intro to Python", "Data", "Tuples", "Immutability")


def record_with(answer: str) -> TurnRecord:
    chunk = Chunk(id="c0", course_id="c", document_id="d", text=TEXT, lesson_id="l", heading_path=FIRST,
                  char_start=100, char_end=100 + len(TEXT), sections=((100 + TEXT.index("Tuples\n"), LATER),))
    other = Chunk(id="c1", course_id="c", document_id="e", text=SCOPE, lesson_id="m", heading_path=FIRST)
    record = TurnRecord(model="m", prompt_version="v")
    for number, passage in ((1, chunk), (2, other)):
        record.citations.append(citation_payload(number, SearchHit(passage, 0.9, number - 1)))
        record.chunks[number] = passage
    record.tokens.append(answer)
    return record


def test_a_quote_from_a_later_section_is_cited_under_that_section_with_its_text() -> None:
    answer = (
        "Here is how the section “Immutability” of “Tuples” explains it:\n\n"
        "> A tuple is like a list that cannot be changed after it is created. [1]"
    )
    first, second = record_with(answer).done_payload()["citations"]
    assert first["cited"] and first["citation"]["heading_path"] == list(LATER)
    assert first["snippet"].startswith("A tuple is like a list that cannot be changed after it is created.")
    assert not second["cited"] and second["citation"]["heading_path"] == list(FIRST)


def test_a_citation_without_a_quote_from_its_passage_keeps_the_passage_place() -> None:
    for answer in ("Tuples cannot be changed once made [1].", "> Something the passage never says at all. [1]"):
        first, _ = record_with(answer).done_payload()["citations"]
        assert first["cited"] and first["citation"]["heading_path"] == list(FIRST)
        assert first["snippet"].startswith("Local scope A variable assigned")


def test_each_source_is_placed_by_the_quote_that_cites_it() -> None:
    lists = "Lists are mutable: append adds an item at the end of the list."
    overlap = Chunk(id="c2", course_id="c", document_id="d", text=f"{lists}\n\n{TUPLES}", lesson_id="l",
                    heading_path=("Intro to Python", "Data", "Lists", "Lists are mutable"),
                    sections=((len(lists) + 2, LATER),))
    record = record_with(
        "Here is how the section “Immutability” of “Tuples” explains it:\n\n"
        "> A tuple is like a list that cannot be changed after it is created. [1]\n\n"
        "The section “Lists are mutable” of “Lists” adds:\n\n"
        "> Lists are mutable: append adds an item at the end of the list. [2]\n\n"
        "```python\n>>> Lists are mutable: append adds an item\n```"
    )
    record.citations[1] = citation_payload(2, SearchHit(overlap, 0.8, 1))
    record.chunks[2] = overlap
    first, second = record.done_payload()["citations"]
    assert first["citation"]["heading_path"] == list(LATER)
    assert second["citation"]["heading_path"] == ["Intro to Python", "Data", "Lists", "Lists are mutable"]
    assert second["snippet"].startswith("Lists are mutable: append")


def test_quoted_lines_skip_code_and_attribute_each_quote_to_its_number() -> None:
    answer = (
        "> first quoted sentence here\n> and its second line [1]\n\n> ```python\n> x = [1, 2, 3]  # not prose\n"
        "> ```\n\nSome prose.\n\n> an unattributed quoted sentence\n\n```\n>>> print('not a quote at all')\n```"
    )
    assert quoted_lines(answer) == [
        ("first quoted sentence here", frozenset({1})),
        ("and its second line", frozenset({1})),
        ("an unattributed quoted sentence", frozenset()),
    ]


def test_indexing_in_code_cites_nothing() -> None:
    answer = "> Lists change in place: [2]\n\n```\nfruits[1] = 'kiwi'\nx = y[3]\n```\nUse `items[4]` to read [1]."
    assert cited_numbers(answer) == {1, 2}
    assert cited_numbers("```python\nprint(a[3])") == set()  # a block the model never closed
    first, second = record_with("```\nfruits[1] = 'kiwi'\n```\nSee [2].").done_payload()["citations"]
    assert not first["cited"] and second["cited"]
