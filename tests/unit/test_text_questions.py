"""Questions from prose (clozes, true statements), the term inventory, and the local generator."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ingest.questions.gate import QualityGate, answer_supported, cloze_template, distractor_supported, fill
from ingest.questions.local import LocalQuestionGenerator
from ingest.questions.terms import TermInventory
from ingest.questions.text import TextQuestions, usable
from ingest.questions.types import Candidate
from retrieval.types import Chunk

PASSAGES = {
    ("loops", 0, ("Loops", "The pass statement")): """The pass statement

The pass statement does nothing. It can be used when a statement is required.

>>> while True:
...     pass
""",
    ("loops", 1, ("Loops", "The break statement")): """The break statement ends the innermost enclosing loop at once.
The else clause of a loop is skipped after a break.

>>> for n in range(5):
...     if n == 2:
...         break
""",
    ("loops", 2, ("Loops", "The continue statement")): """The continue statement skips the rest of the loop body.
The loop then goes on with its next iteration.

>>> for n in range(5):
...     if n % 2:
...         continue
...     print(n)
""",
    ("data", 0, ("Data", "List comprehensions")): """List comprehensions provide a concise way to create new lists from
other sequences. Every list comprehension returns a new list object.

>>> squares = [x * x for x in range(4)]
""",
    ("data", 1, ("Data", "Tuples")): """A tuple consists of several values separated by commas.
Tuples are immutable sequences of fixed length. Each tuple keeps its values in order.

>>> point = (3, 4)
""",
    ("data", 2, ("Data", "Dictionaries")): """Dictionaries map unique keys to values. A dictionary keeps keys in
insertion order. The dict function builds dictionaries from sequences of pairs.

>>> dict([("a", 1), ("b", 2)])
{'a': 1, 'b': 2}
""",
}


def course() -> list[Chunk]:
    return [
        Chunk(id=f"{doc}#{n}", course_id="c", document_id=doc, text=text, ordinal=n, heading_path=path, source_name=doc)
        for (doc, n, path), text in PASSAGES.items()
    ]


def by_id(chunk_id: str) -> Chunk:
    return next(c for c in course() if c.id == chunk_id)


SEEN: dict[str, int] = {}


def embed(texts: Sequence[str]) -> np.ndarray:
    """A unit vector per distinct text (no two texts are near-duplicates unless equal)."""
    out = np.zeros((len(texts), 1024), np.float32)
    for row, text in enumerate(texts):
        out[row, SEEN.setdefault(text, len(SEEN))] = 1.0
    return out


def test_prose_sentences_that_lean_on_context_or_hold_code_are_not_used() -> None:
    assert usable("The pass statement does nothing.")
    assert not usable("It can be used when a statement is required.")
    assert not usable("This function returns a list.")
    assert not usable(">>> squares = [x * x for x in range(4)]")
    assert not usable("For example, see the following code:")
    assert not usable("Information about list objects.")


def test_the_inventory_lists_terms_by_kind_with_their_chunks() -> None:
    inventory = TermInventory.build(course())
    keywords = {t.text for t in inventory.of_kind("keyword")}
    assert {"pass", "break", "continue"} <= keywords
    # Code names the prose never mentions ("range", "print") are no terms of the course.
    assert {t.text for t in inventory.of_kind("function")} == {"dict"}
    comprehension = inventory.lookup("list comprehensions")
    assert comprehension is not None and comprehension.kind == "term"
    assert comprehension.plural == "list comprehensions"
    assert comprehension.chunk_ids == ("data#0",)
    passing = inventory.lookup("pass", code=True)
    assert passing is not None
    assert all(t.kind == "keyword" for t in inventory.distractors(passing))
    assert "pass" not in {t.text for t in inventory.distractors(passing)}


def test_a_cloze_blanks_the_defined_term_and_offers_terms_of_its_kind() -> None:
    text = TextQuestions(course())
    candidate = text.cloze(by_id("loops#0"), "The pass statement does nothing.")
    assert candidate is not None and candidate.kind == "cloze"
    assert cloze_template(candidate.prompt) == "The ______ statement does nothing."
    assert candidate.choices[candidate.answer] == "pass"
    assert set(candidate.choices) - {"pass"} <= {"break", "continue", "for", "if", "while"}
    assert candidate.support == "The pass statement does nothing."
    assert "The pass statement does nothing." in candidate.explanation
    assert answer_supported(candidate) and not distractor_supported(candidate)


def test_no_cloze_from_a_sentence_that_defines_nothing() -> None:
    text = TextQuestions(course())
    assert text.cloze(by_id("loops#1"), "The else clause of a loop is skipped after a break.") is None
    assert text.cloze(by_id("loops#0"), "It can be used when a statement is required.") is None


def test_a_true_statement_question_offers_the_passage_sentence_among_false_ones() -> None:
    text = TextQuestions(course())
    chunk = by_id("loops#1")
    sentence = "The break statement ends the innermost enclosing loop at once."
    candidate = text.true_statement(chunk, sentence)
    assert candidate is not None and candidate.kind == "true_statement"
    assert candidate.choices[candidate.answer] == sentence == candidate.support
    wrong = [c for i, c in enumerate(candidate.choices) if i != candidate.answer]
    assert "The break statement does not end the innermost enclosing loop at once." in wrong
    every_sentence = {s for c in course() for s in text.inventory.index.sentences}
    assert not set(wrong) & every_sentence
    assert candidate.prompt == "In “The break statement”, which statement about loops is true?"
    assert answer_supported(candidate) and not distractor_supported(candidate)


def test_false_statements_negate_swap_or_change_a_number() -> None:
    text = TextQuestions(course())
    assert "Tuples are not immutable sequences of fixed length." in text.falsify(
        "Tuples are immutable sequences of fixed length."
    )
    changed = text.falsify("A dictionary keeps keys in insertion order.")
    assert "A dictionary does not keep keys in insertion order." in changed
    # A contraction is not a verb to negate ("that's" would become "does not that'").
    assert not any("that'" in v for v in text.falsify("Older versions had a pass function that's a synonym for it."))


def test_text_candidates_are_deterministic_varied_and_pass_the_gate() -> None:
    first = [c for chunk in course() for c in TextQuestions(course()).candidates(chunk)]
    again = [c for chunk in course() for c in TextQuestions(course()).candidates(chunk)]
    assert first == again
    assert {c.kind for c in first} == {"cloze", "true_statement"}
    assert len({c.answer for c in first}) > 1
    gate = QualityGate(embed, [])
    assert [gate.check(c) for c in first] == [None] * len(first)
    for candidate in first:
        if candidate.kind == "cloze":
            template = cloze_template(candidate.prompt)
            assert template is not None
            assert fill(template, candidate.choices[candidate.answer]) == candidate.support


def fake_code(chunk: Chunk, course: Sequence[Chunk]) -> list[Candidate]:
    if ">>>" not in chunk.text:
        return []
    return [Candidate(f"What does this print? ({chunk.id})", ("1", "2", "3"), 0, "", "code_value", chunk)]


def test_the_local_generator_spreads_over_documents_and_mixes_kinds() -> None:
    generator = LocalQuestionGenerator(code_questions=fake_code)
    assert generator.name == "local-v1"
    candidates = generator.generate(course(), course(), want=3)
    assert 3 <= len(candidates) <= 12  # up to 4x the count asked for: the gate and quota drop many
    documents = [c.chunk.document_id for c in candidates]
    assert documents[:2] in (["loops", "data"], ["data", "loops"])
    assert "code_value" in {c.kind for c in candidates}
    assert len({c.kind for c in candidates}) >= 2
    everything = generator.generate(course(), course(), want=100)
    assert len({c.chunk.id for c in everything}) == len(course())
    assert len({c.prompt + c.choices[c.answer] for c in everything}) == len(everything)


def test_the_local_generator_does_without_code_questions_that_fail() -> None:
    def broken(chunk: Chunk, course: Sequence[Chunk]) -> list[Candidate]:
        raise RuntimeError("boom")

    candidates = LocalQuestionGenerator(code_questions=broken).generate(course(), course(), want=4)
    assert candidates and {c.kind for c in candidates} <= {"cloze", "true_statement"}
    assert LocalQuestionGenerator(code_questions=broken).generate([], course(), want=4) == []


def test_a_statement_prompt_names_what_its_choices_share_and_never_only_the_answer() -> None:
    text = TextQuestions(course())
    choices = [
        "Tuples are immutable sequences of fixed length.",
        "Tuples are mutable sequences of fixed length.",
        "A dictionary keeps keys in insertion order.",
    ]
    # "tuple" is named by two choices; "dictionary" and "key" by one only, so naming them would point at it.
    assert text.focus(choices, "Data") == ["tuples"]
    # The topic's own words are not repeated.
    assert text.focus(choices, "Tuples") == []
    # Without a shared key term, a noun or file name two choices share.
    pairs = ["The order of the pairs is kept.", "The order of the pairs is lost.", "The pass statement does nothing."]
    assert text.focus(pairs, "Dictionaries") == ["pairs"]
    files = ["Install what requirements.txt lists.", "Never install what requirements.txt lists.", pairs[2]]
    assert text.focus(files, "Packages") == ["`requirements.txt`"]
    assert text.focus(["The pass statement does nothing.", "Dictionaries map unique keys to values."], "Loops") == []
