"""Reading a student's free-text reply to a multiple-choice question as one of its choices."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CLOSE_MATCH = 0.8  # similarity a typed choice text needs to count as that choice
CLEAR_LEAD = 0.1  # ...and how far ahead of the next-closest choice it must be
MIN_PHRASE = 4  # shorter choice texts must be typed exactly (so "if" is not found inside "not sure if")
MIN_FRAGMENT = 8  # a piece of one choice's text ("raises an error") this long names that choice

_QUOTES = "\"'`“”‘’«»"
_LEAD_INS = re.compile(
    r"^(?:(?:i\s+think|i\s+guess|i'?d\s+say|i\s+choose|i\s+pick|maybe|probably|my|the|final|correct|it'?s|it\s+is)\s+)*"
    r"(?:(?:answer|option|choice|letter|number)\s*(?:is\s+|=|:|-)?\s*)?"
)
_LETTER = re.compile(r"^\(?([a-z])\)?[.):]?$")
_LETTER_THEN_TEXT = re.compile(r"^\(?([a-z])(?:\)|[.:])\s+\S")
_NUMBER = re.compile(r"^\(?#?(\d{1,2})\)?[.):]?$")


def letter(index: int) -> str:
    """The letter a choice is shown with (0 → ``A``)."""
    return LETTERS[index]


def normalize(text: str) -> str:
    """Lower-case, single spaces, no surrounding quotes or end punctuation."""
    text = " ".join(text.strip().split()).lower()
    return text.strip(_QUOTES + " .!?").strip()


def parse_choice(reply: str, choices: Sequence[str]) -> int | None:
    """The index of the choice ``reply`` names, or ``None`` when it names none.

    Accepted, in this order: the exact text of a choice (so a numeric choice such as ``"0"`` is
    read as its text, not as a position), a letter (``b``, ``B)``, ``(b)``, ``option b``,
    ``answer: c``, ``b) for``), a 1-based number as shown (``2``), then a close match of one
    choice's text. Anything else (``idk``, ``what?``) is ``None``: not an answer, rather than a wrong one.
    """
    said = normalize(reply)
    if not said or not choices:
        return None
    texts = [normalize(choice) for choice in choices]
    bare = _LEAD_INS.sub("", said, count=1).strip(_QUOTES + " ") or said
    for candidate in (said, bare):
        if candidate in texts:
            return texts.index(candidate)
    found = _positional(bare, len(choices))
    # A reply that is itself a question ("is it the for loop?") gets no fuzzy reading: ask again.
    return found if found is not None else _closest(bare, texts, asking=reply.rstrip().endswith("?"))


def _positional(said: str, count: int) -> int | None:
    match = _LETTER.match(said) or _LETTER_THEN_TEXT.match(said)
    if match:
        index = LETTERS.index(match.group(1).upper())
        return index if index < count else None
    number = _NUMBER.match(said)
    if number:
        index = int(number.group(1)) - 1
        return index if 0 <= index < count else None
    return None


def _closest(said: str, texts: Sequence[str], asking: bool) -> int | None:
    if not asking:
        # A whole choice inside a short sentence, or a long enough piece of exactly one choice.
        inside = [i for i, text in enumerate(texts) if _quotes_choice(said, text)]
        if len(inside) != 1:
            inside = [i for i, text in enumerate(texts) if _part_of_choice(said, text)]
        if len(inside) == 1:
            return inside[0]
    scores = sorted(((SequenceMatcher(None, said, text).ratio(), i) for i, text in enumerate(texts)), reverse=True)
    best, index = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    return index if best >= CLOSE_MATCH and best - runner_up >= CLEAR_LEAD else None


def _quotes_choice(said: str, text: str) -> bool:
    return len(text) >= MIN_PHRASE and len(said) <= len(text) + 30 and _has_phrase(said, text)


def _part_of_choice(said: str, text: str) -> bool:
    return len(said.split()) >= 2 and len(said) >= MIN_FRAGMENT and _has_phrase(text, said)


def _has_phrase(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None
