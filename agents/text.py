"""Small text helpers shared by the tools, the guard and the local model."""

from __future__ import annotations

import math
import re

_WORD = re.compile(r"[a-z0-9_+#]+")
_PIECE = re.compile(r"\w+|[^\w\s]")

# Function words carry no topic; dropping them makes lexical overlap measure content, not grammar.
_STOP_TEXT = """a about above after again all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not now
    of off on once only or other our ours out over own same she should so some such than that the their
    theirs them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours um uh oh oops wait sorry mean
    actually rather like well yeah er ah no scratch make tell please know want need get one"""
STOPWORDS = frozenset(_STOP_TEXT.split())


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Word tokens without stopwords, with a light plural/suffix folding."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def stem(word: str) -> str:
    """A tiny suffix stripper: enough to match "lists"/"list" and "defined"/"define"."""
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def approx_tokens(text: str) -> int:
    """Approximate LLM token count (words and punctuation x 1.3), with no tokenizer download."""
    return math.ceil(len(_PIECE.findall(text)) * 1.3)
