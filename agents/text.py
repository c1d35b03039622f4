"""Small text helpers shared by the tools, the guard and the local model."""

from __future__ import annotations

import math
import re

from retrieval.lexical.tokenize import QUESTION_STOPWORDS

_WORD = re.compile(r"[a-z0-9_+#]+")
_PIECE = re.compile(r"\w+|[^\w\s]")

# Function words carry no topic; dropping them makes lexical overlap measure content, not grammar.
_CONVERSATIONAL = """wait mean rather like well scratch make tell know want need get one"""
STOPWORDS = QUESTION_STOPWORDS | frozenset(_CONVERSATIONAL.split())


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
