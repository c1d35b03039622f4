"""A cited source names the section and shows the text the answer quoted from it."""

from __future__ import annotations

from agents.turn import TurnRecord, citation_payload
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
