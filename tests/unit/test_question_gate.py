"""The quality gate on question candidates: support in the passage, choice shape, duplicates."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
import pytest

from ingest.questions.gate import (
    QualityGate,
    answer_supported,
    distractor_supported,
    question_text,
    read_passage,
)
from ingest.questions.types import Candidate
from retrieval.types import Chunk

PASSAGE = """Loops

The pass statement does nothing. The break statement ends the innermost loop at once.
A tuple is immutable. A list is mutable.

>>> for n in range(3):
...     pass
"""


def fake_embed(texts: Sequence[str]) -> np.ndarray:
    """Bag of words hashed into 64 buckets, unit length: equal texts give equal vectors."""
    out = np.zeros((len(texts), 64), np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            out[row, hashlib.blake2b(word.encode(), digest_size=1).digest()[0] % 64] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def chunk(text: str = PASSAGE) -> Chunk:
    return Chunk(id="doc#0", course_id="c", document_id="doc", text=text, heading_path=("Loops",))


def cloze(template: str, choices: tuple[str, ...], answer: int = 0, text: str = PASSAGE) -> Candidate:
    return Candidate(f"Fill in the blank:\n\n> {template}", choices, answer, "why", "cloze", chunk(text))


def statement(choices: tuple[str, ...], answer: int = 0) -> Candidate:
    support = choices[answer]
    return Candidate(
        "Which statement about “Loops” is true?", choices, answer, "why", "true_statement", chunk(), support
    )


@pytest.fixture
def gate() -> QualityGate:
    return QualityGate(fake_embed, [])


def test_the_passage_is_read_into_sentences_code_and_headings() -> None:
    passage = read_passage(PASSAGE)
    assert passage.headings == ("Loops",)
    assert passage.sentences[0] == "The pass statement does nothing."
    assert passage.sentences[-1] == "A list is mutable."
    assert passage.code == (">>> for n in range(3):", "...     pass")


def test_a_cloze_whose_filled_sentence_is_in_the_passage_is_kept(gate: QualityGate) -> None:
    candidate = cloze("The ______ statement does nothing.", ("pass", "return", "global", "yield"))
    assert answer_supported(candidate)
    assert not distractor_supported(candidate)
    assert gate.check(candidate) is None
    assert gate.kept == [candidate]


def test_a_cloze_the_passage_does_not_support_is_dropped(gate: QualityGate) -> None:
    candidate = cloze("The ______ statement does nothing.", ("return", "pass", "global"), answer=0)
    assert gate.check(candidate) == "answer_unsupported"


def test_a_distractor_the_passage_states_is_dropped(gate: QualityGate) -> None:
    # "A list is ..." is in the passage too, so two choices would be right.
    candidate = cloze("A ______ is mutable.", ("list", "tuple", "string"), answer=0)
    assert gate.check(candidate) is None
    reworded = cloze("The ______ statement ends the innermost loop at once.", ("break", "pass", "yield"))
    assert gate.check(reworded) is None
    wrong = cloze("A ______ is immutable.", ("string", "tuple", "set"), answer=0)
    assert gate.check(wrong) == "answer_unsupported"
    both = cloze("A ______ is immutable.", ("tuple", "dict", "list"), answer=0, text=PASSAGE + "\nA dict is immutable.")
    assert distractor_supported(both)
    assert gate.check(both) == "distractor_supported"


def test_statements_the_true_one_is_a_passage_sentence_and_no_false_one_is_stated(gate: QualityGate) -> None:
    good = statement(
        (
            "The pass statement does nothing.",
            "The pass statement ends the innermost loop.",
            "A tuple is not immutable.",
        )
    )
    assert answer_supported(good) and not distractor_supported(good)
    assert gate.check(good) is None
    # The content words of a passage sentence in other words: the passage says it.
    stated = statement(("The pass statement does nothing.", "Lists are mutable.", "A list is not mutable."))
    assert gate.check(stated) == "distractor_supported"
    invented = statement(("Loops run forever.", "The pass statement does everything.", "A tuple is not immutable."))
    assert gate.check(invented) == "answer_unsupported"


def test_duplicates_of_kept_or_existing_questions_are_dropped() -> None:
    gate = QualityGate(
        fake_embed, [("Fill in the blank:\n\n> The break statement ends the innermost loop at ______.", "once")]
    )
    first = cloze("The ______ statement does nothing.", ("pass", "return", "global"))
    again = cloze("The ______ statement does nothing.", ("pass", "yield", "lambda"), answer=0)
    assert gate.check(first) is None
    assert gate.check(again) == "duplicate"
    existing = cloze("The break statement ends the innermost loop at ______.", ("once", "twice", "never"))
    assert gate.check(existing) == "duplicate"


def test_a_generic_existing_prompt_is_no_duplicate_of_every_statement() -> None:
    gate = QualityGate(fake_embed, [("Which statement about “Loops” is true?", None)])
    candidate = statement(
        ("The pass statement does nothing.", "The pass statement ends the innermost loop.", "A tuple is not immutable.")
    )
    assert gate.check(candidate) is None
    assert question_text(candidate.prompt, candidate.choices[0]) == "The pass statement does nothing."


def test_the_answer_may_not_be_in_the_prompt(gate: QualityGate) -> None:
    candidate = Candidate(
        "What does the pass statement do? (Hint: pass is a statement.)",
        ("pass", "break", "yield"),
        0,
        "why",
        "llm",
        chunk(),
    )
    assert gate.check(candidate) == "answer_in_prompt"


def test_uneven_or_mixed_choices_are_dropped(gate: QualityGate) -> None:
    long_one = "the statement that ends the innermost enclosing loop at once, skipping its else clause"
    assert gate.check(cloze("The ______ statement does nothing.", ("pass", "yield", long_one))) == "choices_uneven"
    mixed = cloze("The ______ statement does nothing.", ("pass", "len(x)", "yield"))
    assert gate.check(mixed) == "choices_uneven"


def test_badly_shaped_or_repeated_choices_are_dropped(gate: QualityGate) -> None:
    assert gate.check(cloze("The ______ statement does nothing.", ("pass", "yield"))) == "bad_shape"
    assert gate.check(cloze("The ______ statement does ______.", ("pass", "yield", "global"))) == "bad_shape"
    assert (
        gate.check(cloze("The ______ statement does nothing.", ("pass", "yield", "Yield!"))) == "choices_not_distinct"
    )
    wrong_kind = Candidate("Q?", ("a", "b", "c"), 0, "", "essay", chunk())
    assert gate.check(wrong_kind) == "bad_shape"


def test_an_llm_answer_needs_a_sentence_with_its_words_and_the_question_words(gate: QualityGate) -> None:
    supported = Candidate(
        "Which statement ends the innermost loop at once?", ("break", "pass", "yield"), 0, "", "llm", chunk()
    )
    assert answer_supported(supported) and not distractor_supported(supported)
    assert gate.check(supported) is None
    unsupported = Candidate("Which statement restarts a loop?", ("break", "yield", "lambda"), 0, "", "llm", chunk())
    assert not answer_supported(unsupported)
    # "continue" also appears in a sentence with the question's words: two choices fit the passage.
    text = PASSAGE + "\nThe continue statement skips to the next pass of the innermost loop.\n"
    ambiguous = Candidate(
        "Which statement acts on the innermost loop?", ("break", "continue", "yield"), 0, "", "llm", chunk(text)
    )
    assert answer_supported(ambiguous) and distractor_supported(ambiguous)


def test_computed_answers_need_no_support(gate: QualityGate) -> None:
    candidate = Candidate(
        "What does this print?\n\n```python\nprint(len('abc'))\n```", ("3", "2", "4"), 0, "", "code_value", chunk()
    )
    assert answer_supported(candidate) and not distractor_supported(candidate)
    assert gate.check(candidate) is None


def test_a_prompt_that_does_not_lead_to_its_passage_is_dropped() -> None:
    candidate = cloze("The ______ statement does nothing.", ("pass", "return", "global"))
    asked: list[str] = []

    def leads(c: Candidate) -> bool:
        asked.append(c.prompt)
        return False

    assert QualityGate(fake_embed, leads_to_source=leads).check(candidate) == "not_retrievable"
    assert asked == [candidate.prompt]
    assert QualityGate(fake_embed, leads_to_source=lambda c: True).check(candidate) is None
