"""Which absent words signal an uncovered topic: technology and programming terms, not everyday English."""

from __future__ import annotations

import pytest

from agents.providers.local.lexicon import is_everyday, is_technical, names_technology


@pytest.mark.parametrize("word", ["wipe", "dollar", "weather", "strongest", "teammate"])
def test_common_english_words_are_everyday(word: str) -> None:
    assert is_everyday(word) and not is_technical(word)


@pytest.mark.parametrize(
    "word",
    ["decorator", "interface", "metaclass", "inheritance", "null", "setter", "overloading", "hint", "pool", "fold"],
)
def test_programming_concepts_are_technical_not_everyday(word: str) -> None:
    assert is_technical(word) and not is_everyday(word)


@pytest.mark.parametrize("word", ["zip", "super", "yield", "asyncio", "subprocess", "itertools", "email"])
def test_python_built_ins_keywords_and_modules_are_technical(word: str) -> None:
    assert is_technical(word) and not is_everyday(word)


def test_technology_names_are_their_own_list() -> None:
    assert names_technology("kotlin") and names_technology("celery") and not names_technology("decorator")
    assert not is_everyday("kotlin")


def test_words_outside_common_english_are_not_everyday() -> None:
    assert not is_everyday("pyenv") and not is_everyday("deepcopy") and not is_everyday("xyzzyq")
