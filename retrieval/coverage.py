"""How well a course's vocabulary covers the words of a question.

A question whose key term occurs nowhere in a course ("decorator", "Java") is almost never answered
by it, however similar its other words are; a misspelt term ("dictonary") should count as the word
it was meant to be. This module answers both from the course's lexical index.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from retrieval.lexical.bm25 import BM25Index
from tutor.text import QUESTION_STOPWORDS, stem, words

TYPO_CUTOFF = 0.84
# Words students use for what course material calls by its proper name ("it crashes" = it raises an
# error): one line per everyday word, then the course words it stands for, most likely first. A mapping
# applies only when the course uses the course word.
_EVERYDAY_TEXT = """
crash: error exception
crashes: error exception
blow: error exception
blowup: error exception
bug: error
buggy: error
kill: interrupt stop terminate
merge: union combine concatenate join
glue: concatenate join
autocomplete: completion
folder: directory
folders: directories
chop: slice split
trim: strip
flip: reverse
backwards: reverse reversed
forever: infinite
endless: infinite
biggest: max maximum largest
smallest: min minimum
uppercase: upper
lowercase: lower
decimal: float
blank: empty
quit: exit
"""
_EVERYDAY: dict[str, tuple[str, ...]] = {
    stem(word.rstrip(":")): tuple(rest)
    for word, *rest in (line.split() for line in _EVERYDAY_TEXT.strip().splitlines())
}
MIN_TYPO_LENGTH = 5


@dataclass(frozen=True, slots=True)
class TermCoverage:
    """One question word and how often the course uses it.

    Attributes:
        word: The word as typed (lower-cased).
        term: Its analysed form (stem) as looked up in the index.
        df: Passages of the course containing the term (or its spelling correction).
        corrected: The course term a misspelt or differently inflected word was matched to, when it was.
        n_passages: Passages in the course, for turning ``df`` into a rarity.
    """

    word: str
    term: str
    df: int
    corrected: str | None
    n_passages: int


def _close_term(term: str, index: BM25Index) -> str | None:
    """The course term ``term`` most likely misspells (same first letter, similar length)."""
    if len(term) < MIN_TYPO_LENGTH or term.isdigit():
        return None
    best, best_ratio = None, TYPO_CUTOFF
    letters = sorted(term)
    for candidate in index.vocab:
        if candidate[:1] != term[:1] or abs(len(candidate) - len(term)) > 2 or candidate.isdigit():
            continue
        if len(candidate) == len(term) and sorted(candidate) == letters:  # swapped letters: "tupel"
            return candidate
        matcher = SequenceMatcher(None, term, candidate)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio or (ratio == best_ratio and best is None):
            best, best_ratio = candidate, ratio
    return best


def _relative_term(term: str, index: BM25Index) -> str | None:
    """A course term of the same word family: "intro"/"introduction", "var"/"variable", "coded"/"code"."""
    if len(term) < 3 or term.isdigit():
        return None
    best, best_df = None, 0
    for candidate in index.vocab:
        related = (candidate.startswith(term) and len(candidate) <= 3 * len(term)) or (
            term.startswith(candidate) and len(candidate) >= 4 and len(candidate) >= 0.6 * len(term)
        )
        if related:
            df = index.document_frequency(candidate)
            if df > best_df:
                best, best_df = candidate, df
    return best


def _everyday_term(term: str, index: BM25Index) -> str | None:
    """The course's own word for an everyday one ("crash" -> "error"), when the course uses it."""
    for candidate in _EVERYDAY.get(term, ()):
        analysed = stem(candidate)
        if index.document_frequency(analysed):
            return analysed
    return None


def term_coverage(index: BM25Index, text: str) -> list[TermCoverage]:
    """Coverage of every content word of ``text`` (stopwords dropped, each word once, in order)."""
    out: list[TermCoverage] = []
    seen: set[str] = set()
    for word in words(text):
        if word in QUESTION_STOPWORDS or word in seen or len(word) < 2:
            continue
        seen.add(word)
        term = stem(word)
        df = index.document_frequency(term)
        corrected = None
        if df == 0:
            corrected = (
                _close_term(term, index) or _relative_term(term, index) or _relative_term(word, index)
                or _everyday_term(term, index)
            )
            df = index.document_frequency(corrected) if corrected else 0
        out.append(TermCoverage(word, term, df, corrected, index.n_docs))
    return out
