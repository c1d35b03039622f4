"""How the offline tutor judges a question's words: everyday words, names, code names, one-letter compounds."""

from __future__ import annotations

from dataclasses import replace

from agents.providers.local.answerability import DEFAULT_ANSWERABILITY
from agents.providers.local.compose import compose
from agents.providers.local.embedding import CachedQueryEmbedder
from agents.providers.local.lexicon import absent_letter_languages
from agents.providers.local.salience import absent_compounds, as_typed, proper_nouns, salience
from tests.fakes.agent_ports import HashEmbedder
from tests.unit.test_agent_compose import CFG, LISTS, SCOPE, course_coverage, hit


class VocabularyEmbedder(HashEmbedder):
    """A hash embedder whose tokenizer knows a few everyday words whole."""

    def vocabulary(self) -> frozenset[str]:
        return frozenset({"wipe", "teammate", "snake", "list"})


def test_an_absent_everyday_word_is_told_from_absent_jargon_and_never_named_in_a_refusal() -> None:
    never = replace(DEFAULT_ANSWERABILITY, threshold=1.01)  # declines everything: only the wording is tested
    question = "how do i wipe a list with a decorator"
    cov = course_coverage(question, [LISTS, SCOPE])
    sal = salience(question, cov, CachedQueryEmbedder(VocabularyEmbedder()))
    assert set(sal.absent) == {"wipe", "decorator"} and sal.everyday == {"wipe"} and sal.jargon == ["decorator"]
    hits = [hit(LISTS, 0, "Lists › Lists are mutable"), hit(SCOPE, 1, "Scope › Local scope")]
    cfg = replace(CFG, answerability=never, absent_share=0.0)
    jargon = compose(question, hits, [1, 2], VocabularyEmbedder(), cfg, coverage=cov)
    assert jargon.reason == "absent_term" and jargon.absent == ("decorator",) and "“wipe”" not in jargon.text
    question = "how do i wipe my teammate's list"
    plain = compose(question, hits, [1, 2], VocabularyEmbedder(), cfg, coverage=course_coverage(question, [LISTS, SCOPE]))
    assert not plain.covered and plain.reason != "absent_term" and plain.absent == ()
    assert "“" not in plain.text.split("The closest")[0]
    assert plain.evidence is not None and plain.evidence.absent_everyday > 0 and plain.evidence.absent_jargon == 0


class PlacesEmbedder(HashEmbedder):
    """A hash embedder whose tokenizer knows place names whole, as real vocabularies do."""

    def vocabulary(self) -> frozenset[str]:
        return frozenset({"capital", "france", "paris", "list"})


def test_a_name_the_course_never_uses_counts_as_jargon_not_as_an_everyday_word() -> None:
    assert proper_nouns("How do I get to Paris? Then we see France, says Ann") == {"paris", "france", "ann"}
    assert proper_nouns("France is big. Paris too") == frozenset()  # a capital that starts a sentence says nothing
    starts = "hey\nMy list grows\n1) Sorting - Zip? what is a list I mean Tuples (Sets) 🙂 Recursion"
    assert proper_nouns(starts) == frozenset()
    question = "what is the capital of France"
    sal = salience(question, course_coverage(question, [LISTS, SCOPE]), CachedQueryEmbedder(PlacesEmbedder()))
    assert "france" in sal.jargon and "france" not in sal.everyday
    lowered = "what is the capital of france"
    sal = salience(lowered, course_coverage(lowered, [LISTS, SCOPE]), CachedQueryEmbedder(PlacesEmbedder()))
    assert "france" in sal.everyday  # typed in lower case it cannot be told from a word


class SlotsEmbedder(HashEmbedder):
    """A hash embedder whose tokenizer knows "slots" and "point" as everyday words."""

    def vocabulary(self) -> frozenset[str]:
        return frozenset({"slots", "point", "list"})


def test_a_word_typed_inside_a_code_name_weighs_as_the_name_and_is_quoted_as_typed() -> None:
    assert as_typed("whats the point of __init__", "init") == "__init__"
    assert as_typed("is SNAKE_case usual", "case") == "SNAKE_case" and as_typed("what is init", "init") == "init"
    question = "what does __slots__ do to a list"
    sal = salience(question, course_coverage(question, [LISTS, SCOPE]), CachedQueryEmbedder(SlotsEmbedder()))
    # Taking "slots" out of "__slots__" moves the question: before, the word inside the name was never removed.
    assert sal.weights["slots"] > 0.01
    assert sal.jargon == ["slots"] and "slots" not in sal.everyday  # code, however everyday the word
    never = replace(DEFAULT_ANSWERABILITY, threshold=1.01)
    hits = [hit(LISTS, 0, "Lists › Lists are mutable"), hit(SCOPE, 1, "Scope › Local scope")]
    cfg = replace(CFG, answerability=never, absent_share=0.0)
    answer = compose(question, hits, [1, 2], SlotsEmbedder(), cfg, coverage=course_coverage(question, [LISTS, SCOPE]))
    assert answer.absent == ("slots",) and "Nothing in the lessons mentions `__slots__`." in answer.text


def test_a_one_letter_compound_the_passages_never_use_is_declined_not_answered_from_its_long_part() -> None:
    strings = "JSON and Python types\n\nJSON object keys are always strings, and a string travels as text."
    fstrings = "f-strings\n\nPut an f before the quote of a string to mix values into the text."
    assert absent_compounds("what is an f-string", [strings]) == ("f-string",)
    assert absent_compounds("what is an f-string", [fstrings]) == ()
    assert absent_compounds("how do f-strings work", ["An f-string is a string with an f before it."]) == ()
    assert absent_compounds("how do I send an e-mail", ["Send an email with smtplib."]) == ()
    assert absent_compounds("ctrl-d does nothing", ["Type Control-D to leave."]) == ()  # key presses are left alone
    question = "what is an f-string"
    hits = [hit(strings, 0, "Working with JSON › JSON and Python types")]
    answer = compose(question, hits, [1], HashEmbedder(), CFG, coverage=course_coverage(question, [strings]))
    assert not answer.covered and answer.reason == "low_coverage"
    assert "I couldn't find a passage in the lessons that answers it." in answer.text  # only the passages were read
    covered = compose(question, [hit(fstrings, 0, "Strings › f-strings")], [1], HashEmbedder(), CFG,
                      coverage=course_coverage(question, [fstrings]))  # fmt: skip
    assert covered.covered
    # The compound must carry the question's key word: a cart question that says "e-commerce" in passing is not refused.
    cart = "how do i model a shopping cart with lists for my e-commerce site"
    lists = compose(cart, [hit(LISTS, 0, "Lists › Lists are mutable")], [1], HashEmbedder(), CFG,
                    coverage=course_coverage(cart, [LISTS]))  # fmt: skip
    assert lists.covered


def test_a_language_named_by_a_letter_that_no_passage_names_is_declined() -> None:
    ifs = "The if statement\n\nAn if statement runs its block only when the condition is true."
    assert absent_letter_languages("how do switch statements work in C", [ifs]) == ("C",)
    assert absent_letter_languages("vectors in R?", [ifs]) == ("R",)
    assert absent_letter_languages("c++ templates vs python generics", [ifs]) == ("C++",)
    assert absent_letter_languages("is python slower than C", ["CPython itself is written in C."]) == ()
    # a lowercase or unintroduced letter is a variable or a grade, not a language
    assert absent_letter_languages("what is the value in c", [ifs]) == ()
    assert absent_letter_languages("why did I get a C on quiz 2", [ifs]) == ()
    question = "how do switch statements work in C"
    hits = [hit(ifs, 0, "Making Decisions › The if statement")]
    answer = compose(question, hits, [1], HashEmbedder(), CFG, coverage=course_coverage(question, [ifs]))
    assert not answer.covered and answer.reason == "low_coverage"
    python = "how do if statements work in Python"
    assert compose(python, hits, [1], HashEmbedder(), CFG, coverage=course_coverage(python, [ifs])).covered


def test_a_statement_no_passage_names_or_shows_in_code_is_declined() -> None:
    from agents.providers.local.salience import absent_statements

    tries = "Several handlers\n\ntry:\n    x = 1 / 0\nexcept ZeroDivisionError:\n    print('no')"
    assert absent_statements("how do with statements work", [tries]) == ("with",)
    assert absent_statements("how do with statements work", [tries + "\nwith open(path) as f:\n    f.read()"]) == ()
    assert absent_statements("how do with statements work", ["For files, the with statement closes them."]) == ()
    assert absent_statements("what is a while loop", ["A for loop walks a list."]) == ("while",)
    assert absent_statements("what is a while loop", [">>> while n > 0:\n...     n -= 1"]) == ()
    assert absent_statements("what is a for loop", ["for x in xs: print(x)  # one line"]) == ()
    assert absent_statements("can you help with if statements", ["An if statement runs its block."]) == ()
    # the keyword in its everyday sense names no statement
    assert absent_statements("how do i print with a comma", [tries]) == ()
    hits = [hit(tries, 0, "Exceptions › Several handlers")]
    question = "how do with statements work"
    answer = compose(question, hits, [1], HashEmbedder(), CFG, coverage=course_coverage(question, [tries]))
    assert not answer.covered and answer.reason == "low_coverage"


def test_a_class_the_passages_never_name_is_absent():
    from agents.providers.local.salience import absent_class

    methods = "Methods are functions attached to a value, called with a dot: name.strip(), name.upper()."
    assert absent_class("how do i write a class with methods", [methods])
    printed = "print(type(42))  # <class 'int'>\nEvery value has a type."
    assert absent_class("what are classes", [printed])  # a printed type is not a class
    assert not absent_class("what are classes", [printed, "Classes bundle data and functions together."])
    assert not absent_class("how do i write a class", ["class Dog:\n    pass"])
    assert not absent_class("can i use class as a name", ["Keywords such as `if` and `class` are not names."])
    assert not absent_class("check whether bool is a subclass of int", [methods])  # not the word "class"
    assert not absent_class("are functions first-class objects", [methods])
