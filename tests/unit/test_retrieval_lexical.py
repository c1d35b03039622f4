"""BM25 scoring, tokenisation and self-correction parsing."""

from __future__ import annotations

import numpy as np

from retrieval.hybrid import query_terms
from retrieval.lexical import BM25Index, analyze
from retrieval.query import parse_query
from tutor.text import stem

DOCS = [
    "Python lists are mutable sequences; append adds an item to the end of a list.",
    "Dictionaries map keys to values. Looking up a key in a dictionary is fast.",
    "A for loop iterates over the items of any sequence, such as a list or a string.",
    "Exceptions are raised when an error occurs and can be handled with try and except.",
]


def _index() -> BM25Index:
    return BM25Index([analyze(d) for d in DOCS])


def test_document_matching_rare_query_terms_ranks_first() -> None:
    scores = _index().score("how do I handle an error with try/except")
    assert int(np.argmax(scores)) == 3


def test_plural_and_inflected_forms_match() -> None:
    assert stem("dictionaries") == stem("dictionary")
    assert stem("stopped") == stem("stop")
    scores = _index().score("dictionary keys")
    assert int(np.argmax(scores)) == 1


def test_stopword_only_and_unknown_queries_score_nothing() -> None:
    index = _index()
    assert not index.score("what is the").any()
    assert not index.score("zeppelin").any()


def test_more_matched_terms_beat_one_repeated_term() -> None:
    index = BM25Index([analyze("list list list list list"), analyze("list append end")])
    scores = index.score("append to the end of a list")
    assert scores[1] > scores[0]


def test_self_correction_drops_editing_phrases_and_keeps_both_sides() -> None:
    parsed = parse_query("Where did Vaudreuil no um Johnson stop?")
    assert parsed.corrected
    assert parsed.after == ("johnson", "stop")
    assert "vaudreuil" in parsed.before
    terms = query_terms(parsed)
    assert {"johnson", "stop", "vaudreuil"} <= set(terms)
    assert not {"no", "um"} & set(terms)


def test_plain_question_is_not_marked_corrected() -> None:
    parsed = parse_query("How do dictionaries store keys?")
    assert not parsed.corrected
    assert parsed.text() == "how do dictionaries store keys"


def test_instead_of_and_rather_than_are_prepositions_not_corrections() -> None:
    parsed = parse_query("how do i put something at the front of a list instead of the end")
    assert not parsed.corrected and parsed.after[:4] == ("how", "do", "i", "put")
    assert not parse_query("why use a tuple rather than a list").corrected
    assert parse_query("what is a list, rather a tuple").after == ("a", "tuple")


def test_the_tutors_word_checks_keep_identifiers_whole_and_share_the_index_stemmer() -> None:
    from tutor.text import content_words, stem

    assert content_words("sys.set_coroutine_origin_tracking_depth") == ["sys", "set_coroutine_origin_tracking_depth"]
    assert content_words("hey so i want c++ or c# lists pls") == ["c++", "c#", stem("lists")]
    assert stem("lists") == "list"


def test_a_keyword_named_as_a_construct_is_a_term_and_stays_a_stopword_elsewhere() -> None:
    from tutor.text import content_words, named_constructs

    assert analyze("How do if statements work?") == ["if", "statement", "work"]
    assert analyze("if you want, for a while") == ["want"]
    assert analyze("the in operator and while loops") == ["in", "operator", "while", "loop"]
    # "keyword arguments" are not the keyword "with"
    assert analyze("call it with keyword arguments") == ["call", "keyword", "argument"]
    assert named_constructs("an if statement inside for loops, with keyword arguments") == {"if", "for"}
    assert named_constructs("a for or while loop may have an else block") == {"for", "while"}
    # two keywords side by side name only the second: "with" is not a statement here
    assert named_constructs("can you help with if statements? tips for while loops") == {"if", "while"}
    assert named_constructs("if and else blocks") == {"if"}
    assert content_words("explain if/else statements") == ["explain", "if", "else", "statement"]
    # the welcome transcript names "if statements" in passing; the lesson has it in its heading and text
    index = BM25Index([
        analyze("Welcome! You will learn statements, how a program repeats work, and much more."),
        analyze("The if statement. An if statement runs its block only when the condition is true."),
    ])
    assert int(np.argmax(index.score("how do if statements work"))) == 1
    assert query_terms(parse_query("how do if statements work")) == {"if": 1.0, "statement": 1.0, "work": 1.0}


def test_typed_operators_are_terms_of_their_own() -> None:
    from tutor.text import operator_terms

    assert operator_terms("= vs ==") == ["=", "=="]
    assert operator_terms("x += 1; y //= 2; 7 % 2 and 2**8 != a") == ["+=", "//=", "%", "**", "!="]
    assert operator_terms("<p>a - b / c * d + e</p>") == []  # markup and lone arithmetic signs are no terms
    # addresses, underlines and a sign with a word on one side only are markup or prose
    assert operator_terms('see https://docs.example/a//b?x=1%20 **bold** f(**kwargs) 50%\n=====') == []
    assert operator_terms("print(7 // 2)  # x**2, `==`") == ["//", "**", "=="]
    assert operator_terms('len(xs)==0 or (a+b)**2 or x=="a"') == ["==", "**", "=="]
    assert parse_query("whats the difference between = and ==").operators == ("=", "==")
    index = BM25Index([
        analyze("Comparisons: 3 < 5 is True; a = b assigns a name."),
        analyze("Confusing = and ==. A single = assigns; a double == compares two values."),
        analyze("Floor division: 7 // 2 is 3 and 7 % 2 is the remainder."),
    ])
    assert int(np.argmax(index.score_terms(query_terms(parse_query("whats the difference between = and =="))))) == 1
    assert int(np.argmax(index.score_terms(query_terms(parse_query("what does // do"))))) == 2


def test_operators_never_change_how_a_question_without_them_ranks() -> None:
    plain = ["total x y assigns the sum", "the loop adds numbers to a total"]
    coded = ["total = x == y assigns the sum", "the loop adds numbers to a total"]
    terms = query_terms(parse_query("how do i keep a running total"))
    assert np.allclose(BM25Index([analyze(d) for d in plain]).score_terms(terms),
                       BM25Index([analyze(d) for d in coded]).score_terms(terms))
