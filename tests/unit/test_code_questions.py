"""Code questions: answers computed by the safe interpreter, checked against the passage, with plausible wrong choices."""

from __future__ import annotations

import ast

from ingest.questions import code
from ingest.questions.code import code_candidates
from ingest.questions.safe_eval import evaluate
from retrieval.types import Chunk

SLICING = """Strings can be sliced:

>>> word = 'Python'
>>> word[2:5]
'tho'

Note how the end is excluded."""

LOOP = """A loop that counts:

>>> total = 0
>>> for n in range(1, 5):
...     total += n
...
>>> total
10
>>> total * 3
30

That is all."""


def chunk(text: str, ordinal: int = 0, start: int = 0, document: str = "doc") -> Chunk:
    return Chunk(
        id=f"{document}#{ordinal}", course_id="course", document_id=document, text=text, ordinal=ordinal,
        char_start=start, char_end=start + len(text), source_name="notes.rst",
    )  # fmt: skip


def folded(choice: str) -> str:
    return " ".join(choice.split()).casefold()


def check_shape(candidate) -> None:
    assert 3 <= len(candidate.choices) <= 5
    assert len({folded(c) for c in candidate.choices}) == len(candidate.choices)
    assert 0 <= candidate.answer < len(candidate.choices)
    assert candidate.kind in ("code_value", "code_line")
    assert candidate.support == ""
    assert "```python\n" in candidate.prompt or candidate.kind == "code_line"


def test_a_doctest_whose_output_matches_gives_a_question_answered_by_the_shown_output():
    passage = chunk(SLICING)
    values = [c for c in code_candidates(passage, [passage]) if c.kind == "code_value"]
    assert len(values) == 1
    question = values[0]
    check_shape(question)
    assert question.choices[question.answer] == "'tho'"
    assert ">>> word = 'Python'\n>>> word[2:5]\n```" in question.prompt
    assert "'tho'" in question.explanation
    assert all(isinstance(ast.literal_eval(choice), str) for choice in question.choices)  # all strings, like the answer
    assert question.chunk is passage


def test_a_doctest_whose_output_does_not_match_is_skipped():
    passage = chunk(SLICING.replace("'tho'", "'thon'"))
    assert code_candidates(passage, [passage]) == []


def test_session_state_carries_over_and_distractors_are_numbers_like_the_answer():
    passage = chunk(LOOP)
    found = code_candidates(passage, [passage])
    values = {c.choices[c.answer]: c for c in found if c.kind == "code_value"}
    assert set(values) == {"10", "30"}
    for question in found:
        check_shape(question)
    for question in values.values():
        assert all(type(ast.literal_eval(choice)) is int for choice in question.choices)
    # total * 3 needs only the statements that set total, which are shown with it
    assert "total += n" in values["30"].prompt


def test_expression_question_offers_expressions_that_give_other_values():
    passage = chunk(SLICING)
    lines = [c for c in code_candidates(passage, [passage]) if c.kind == "code_line"]
    assert len(lines) == 1
    question = lines[0]
    check_shape(question)
    assert question.choices[question.answer] == "word[2:5]"
    assert "evaluates to `'tho'`" in question.prompt
    for choice in question.choices:
        value = evaluate("word = 'Python'", choice)
        assert (value == "tho") == (choice == "word[2:5]")


def test_unsafe_snippets_give_no_question():
    for text in [
        ">>> import os\n>>> os.getcwd()\n'/home'",
        ">>> f = open('notes.txt')\n>>> f.read()\n'hello'",
        ">>> ().__class__.__name__\n'tuple'",
        ">>> while True:\n...     pass\n...",
        "Read a file:\n\ndata = open('notes.txt').read()\nprint(len(data))",
    ]:
        passage = chunk(text)
        assert code_candidates(passage, [passage]) == []


def test_a_plain_code_block_gives_print_value_and_line_questions():
    text = (
        "Try this:\n\n"
        "total = 0\n"
        "for n in [3, 4, 5]:\n"
        "    if n % 2 == 0:\n"
        "        print('even', n)\n"
        "    else:\n"
        "        print('odd', n)\n"
        "    total = total + n\n"
        "print('total', total)\n\n"
        "It prints each number."
    )
    passage = chunk(text)
    found = {c.prompt.split("\n")[0]: c for c in code_candidates(passage, [passage])}
    printed = found["What does this code print?"]
    assert printed.choices[printed.answer] == "odd 3\neven 4\nodd 5\ntotal 12"
    value = found["What is the value of `total` after this code runs?"]
    assert value.choices[value.answer] == "12"
    assert "7" in value.choices or "3" in value.choices  # an earlier value of total
    line = found["Which line of this code prints `odd 3`?"]
    assert line.choices[line.answer] == "print('odd', n)"
    assert set(line.choices) == {"print('even', n)", "print('odd', n)", "print('total', total)"}
    for question in found.values():
        check_shape(question)


def test_wrong_choices_come_from_plausible_slips():
    text = ">>> [x for x in range(6) if x >= 3]\n[3, 4, 5]"
    passage = chunk(text)
    question = next(c for c in code_candidates(passage, [passage]) if c.kind == "code_value")
    assert "[4, 5]" in question.choices  # >= read as >
    assert "read as" in question.explanation


def test_statements_are_asked_about_in_the_chunk_that_first_holds_them_whole():
    first, second = SLICING[:60], SLICING[40:]
    chunks = [chunk(first, 0, 0), chunk(second, 1, 40)]
    assert [c.choices[c.answer] for c in code_candidates(chunks[0], chunks) if c.kind == "code_value"] == []
    assert [c.choices[c.answer] for c in code_candidates(chunks[1], chunks) if c.kind == "code_value"] == ["'tho'"]


def test_same_input_same_output_and_answers_at_varied_positions():
    passages = [chunk(SLICING), chunk(LOOP, document="other")]
    first = [code_candidates(p, [p]) for p in passages]
    code._analyse.cache_clear()
    again = [code_candidates(p, [p]) for p in passages]
    assert first == again
    positions = {c.answer for found in first for c in found}
    assert len(positions) > 1


def test_prose_without_code_gives_nothing():
    passage = chunk("Numbers\n\nPython has integers and floats. Example:\n\nNothing to run here.")
    assert code_candidates(passage, [passage]) == []
