"""Which words of a question matter, and whether the course and a passage cover them.

A word's salience is measured by ablation: how far the question's embedding moves when the word is
taken out ("what is a decorator in python" loses its meaning without "decorator"; "hey so loops
confuse me lol" hardly changes without "lol"). A salient word the course never uses is the
strongest sign that the course does not cover the question, when it is jargon ("decorator",
"asyncio"); an everyday word the course happens not to use ("wipe", "snake", "teammate") says much
less. A passage that leaves the salient words out does not answer it, however similar it sounds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agents.providers.local.embedding import QueryEmbedder, everyday_words, unit_vectors
from agents.providers.local.lexicon import names_technology
from retrieval.coverage import TermCoverage
from tutor.text import named_constructs, stem, words

# Words that frame a question rather than name its subject.
_FRAMING_TEXT = """one ones someone anyone thing difference differences differ different example examples explain
explanation mean means meaning work works working use used using python code way ways thing things
something anything happen happens help show give tell understand learn learning question quick
simple basic good best right correct exactly just kind sort confused confusing stuck trying try idea
ideas better simply again still even much many lot lots write writing simplest simpler easiest easier easy
quickest quicker quick cleanest cleaner clean neatest nicest proper properly recommended normal usual"""
_FRAMING = frozenset(stem(w) for w in _FRAMING_TEXT.split())

@dataclass(frozen=True, slots=True)
class Salience:
    """Salient words of a question with their weights and course coverage.

    Attributes:
        weights: Salience weight per word (as typed, lower-cased); framing words are left out.
        terms: The word's index term per word (its typo correction when it had one).
        absent: Salient words the course never uses (no typo match either), most salient first.
        everyday: The absent words that are everyday words (whole words of the embedder's vocabulary).
    """

    weights: dict[str, float]
    terms: dict[str, str]
    absent: list[str]
    everyday: frozenset[str] = frozenset()

    @property
    def jargon(self) -> list[str]:
        """The absent words that are not everyday words, most salient first."""
        return [w for w in self.absent if w not in self.everyday]

    @property
    def total(self) -> float:
        """Sum of the weights."""
        return sum(self.weights.values())

    def share(self, word: str) -> float:
        """A word's share of the total weight."""
        return self.weights.get(word, 0.0) / self.total if self.total > 0 else 0.0

    def covered_by(self, text_terms: set[str]) -> float:
        """Weighted share of salient words whose term occurs in ``text_terms`` (stems), in [0, 1]."""
        if self.total <= 0:
            return 1.0
        hit = sum(w for word, w in self.weights.items() if self.terms[word] in text_terms)
        return hit / self.total

    def rest_covered_by(self, text_terms: set[str]) -> float:
        """Like :meth:`covered_by`, over the salient words the course does use (the absent ones left out)."""
        rest = {word: w for word, w in self.weights.items() if word not in self.absent}
        total = sum(rest.values())
        if total <= 0:
            return 0.0
        return sum(w for word, w in rest.items() if self.terms[word] in text_terms) / total


def _without(question: str, word: str) -> str:
    """``question`` with ``word`` taken out, also from inside a name (``__init__``, ``snake_case``)."""
    return re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", " ", question, flags=re.IGNORECASE)


def as_typed(question: str, word: str) -> str:
    """``word``, or the name it was typed inside (``__init__`` for ``init``): how to quote it back."""
    match = re.search(rf"\w*(?<![^\W_]){re.escape(word)}(?![^\W_])\w*", question, flags=re.IGNORECASE)
    return match.group(0) if match and "_" in match.group(0) else word


def _is_everyday(word: str, vocabulary: frozenset[str]) -> bool:
    """Whether ``word`` (or its singular) is a whole word of the vocabulary; a technology name never is."""
    if names_technology(word):
        return False
    forms = {word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word}
    return any(f in vocabulary for f in forms)


_CAPITALISED = re.compile(r"\b([A-Z][a-z]+)\b")
# What may stand before a capital that starts a sentence or an item rather than marks a name: the
# start, a line break, any mark but a comma ("1) Sorting", "- Zip", "?"), or a follow-up joined on.
_STARTS_HERE = re.compile(r"(?:^|\n|[^\w\s,]|\bI mean)\s*$")


def proper_nouns(question: str) -> frozenset[str]:
    """Words typed with a capital inside a sentence ("the capital of France"), lower-cased: names, not words."""
    found = set()
    for match in _CAPITALISED.finditer(question):
        if not _STARTS_HERE.search(question[: match.start()]):
            found.add(match.group(1).lower())
    return frozenset(found)


def salience(question: str, coverage: Sequence[TermCoverage], embedder: QueryEmbedder) -> Salience:
    """Weigh the question's content words by ablation and note those the course never uses.

    Args:
        question: The question as the retriever saw it.
        coverage: Per-word passage counts of the course (``MaterialPort.coverage``).
        embedder: Query embedder.
    """
    items = [c for c in coverage if stem(c.word) not in _FRAMING and not c.word.isdigit()]
    if not items:
        return Salience({}, {}, [])
    vectors = unit_vectors(embedder, [question] + [_without(question, c.word) for c in items])
    moves = 1.0 - vectors[1:] @ vectors[0]
    weights = {c.word: float(max(m, 0.0)) + 1e-3 for c, m in zip(items, moves, strict=True)}
    terms = {c.word: (c.corrected or c.term) for c in items}
    # A technology name is taken as spelt: only the name itself counts, not a course word it resembles.
    missing = [c.word for c in items if c.df == 0 or (c.corrected is not None and names_technology(c.word))]
    absent = sorted(missing, key=lambda w: -weights[w])
    vocabulary = everyday_words(embedder)
    # A name the course never uses ("France", "Messi") is as telling as jargon, though the vocabulary has it.
    names = proper_nouns(question)
    # A word typed inside a code name ("__slots__", "max_length") is code, however everyday the word.
    everyday = frozenset(
        w
        for w in absent
        if w.lower() not in names and as_typed(question, w) == w and _is_everyday(w.lower(), vocabulary)
    )
    return Salience(weights, terms, absent, everyday)


# A hyphenated name with a one-letter part: "f-string", "k-means", "x-axis". Key presses ("ctrl-d",
# "Control-D", "ctrl+d") are written in too many ways to look for one of them.
_LETTER_COMPOUND = re.compile(r"\b(?:[a-z]-[a-z]{3,}|[a-z]{3,}-[a-z])\b", re.IGNORECASE)
_KEYS = frozenset({"ctrl", "control", "alt", "shift", "cmd", "command", "meta", "option", "super", "fn"})


def absent_compounds(question: str, texts: Sequence[str]) -> tuple[str, ...]:
    """Hyphenated names with a one-letter part (``f-string``) that none of ``texts`` uses.

    The index drops the letter and reads "f-string" as "string", so a passage about JSON strings
    seems to cover it; only the passages' own text can tell whether the name itself is there
    (hyphenated, joined or spaced: "e-mail", "email", "e mail").
    """
    body = " ".join(texts).lower()
    missing = []
    for match in _LETTER_COMPOUND.finditer(question):
        name = match.group(0).lower()
        first, second = name.split("-")
        if first in _KEYS:
            continue
        if len(second) > 3 and second.endswith("s"):  # "f-strings" is there where "f-string" is
            name, second = name[:-1], second[:-1]
        forms = (name, first + second, f"{first} {second}")
        if not any(re.search(rf"(?<![\w-]){re.escape(form)}", body) for form in forms):
            missing.append(name)
    return tuple(dict.fromkeys(missing))


_STATEMENTS = ("if", "for", "while", "with")
_CLASS = re.compile(r"(?<![-\w])class(?:es)?\b", re.IGNORECASE)  # not "first-class", "subclass"
# How Python prints a value's type (``<class 'int'>``): output, not a class.
_TYPE_REPR = re.compile(r"<class '[^'>]*'>")


def absent_statements(question: str, texts: Sequence[str]) -> tuple[str, ...]:
    """Statements the question names ("with statement", "while loops") that none of ``texts`` names
    or shows as a line of code (``with open(path) as f:``, ``>>> while n > 0:``, ``for x in xs: f(x)``).

    The keyword is a stopword everywhere else, so without this a passage about other statements
    (try/except) seems to answer "how do with statements work".
    """
    body = "\n".join(texts)
    asked = [word for word in _STATEMENTS if word in named_constructs(question)]
    if not asked:
        return ()
    shown = named_constructs(body)
    return tuple(
        word for word in asked
        if word not in shown
        and not re.search(rf"(?m)^[ \t]*(?:(?:>>>|\.\.\.)[ \t]+)?{word}\b[^\n]*:", body)
    )


def absent_class(question: str, answering: Sequence[str]) -> bool:
    """Whether the question asks about classes ("how do i write a class with methods", "what are classes")
    while none of the passages the answer would quote names a class (a printed type, ``<class 'int'>``,
    does not): otherwise a section on string methods answers the first and one on type() the second.
    """
    return bool(_CLASS.search(question)) and not _CLASS.search(_TYPE_REPR.sub("", "\n".join(answering)))


def text_terms(text: str) -> set[str]:
    """Index terms of a text, as the course index analyses it (so they compare with ``Salience.terms``)."""
    return {stem(w) for w in words(text)}
