"""Reading a chat reply as one of a question's choices."""

from __future__ import annotations

import pytest

from tutor.services.practice_answers import parse_choice

CHOICES = [
    "Checks whether score equals score + 5",
    "Adds 5 to the current value of score and stores the result back under the name score",
    "Creates a second variable called score",
    "Raises an error because a name cannot appear on both sides of =",
]


@pytest.mark.parametrize(
    ("reply", "index"),
    [
        ("b", 1),
        ("B)", 1),
        ("(b)", 1),
        ("option b", 1),
        ("answer: c", 2),
        ("The answer is D.", 3),
        ("I think it's b", 1),
        ("b) adds 5", 1),
        ("2", 1),
        ("4.", 3),
        ("choice 3", 2),
        ("creates a second variable called score", 2),
        ("  'Creates a  second variable called SCORE'  ", 2),
        ("Creates a second varable called score", 2),  # a typo is a close match
        ("raises an error", 3),
        ("a", 0),
    ],
)
def test_answers_are_read_as_a_choice(reply: str, index: int) -> None:
    assert parse_choice(reply, CHOICES) == index


@pytest.mark.parametrize("reply", ["idk", "what?", "I don't know", "", "e", "5", "is it the one that raises an error?"])
def test_non_answers_name_no_choice(reply: str) -> None:
    assert parse_choice(reply, CHOICES) is None


def test_a_numeric_choice_is_read_as_its_text_first() -> None:
    assert parse_choice("0", ["0", "1"]) == 0
    assert parse_choice("1", ["0", "1"]) == 1
    assert parse_choice("2", ["0", "1"]) == 1  # not a choice's text: the 1-based position
    assert parse_choice("not sure if", ["if", "for"]) is None  # short choices must be typed exactly
