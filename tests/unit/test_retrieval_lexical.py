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
