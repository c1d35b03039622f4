"""Self-corrected questions ("X no sorry Y"): editing phrases are removed only where a repair follows.

A speaker who corrects themselves says a *reparandum*, an *interregnum* ("no", "sorry", "I mean",
"um") and then the *repair*. The words after the last interregnum are what the speaker means; the
words before it are partly context the repair still relies on and partly the abandoned wording.

Typed questions use most of those words in their ordinary sense ("asyncio wait", "why is no output
printed", "make that function return a list", "a list instead of a tuple"). So a word that has an
ordinary sense is read as an interregnum only where the question has the whole repair pattern:
words on both sides, and a repair that re-states what came just before it (see :func:`_is_repair`).
Phrases with no other sense in a question ("I mean", "or rather", "scratch that", "um") mark a
correction wherever words follow them. Every other question is kept exactly as typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tutor.text import STOPWORDS, operator_terms, words

# Hesitations: never the topic of a question ("er" only in lower case, so "ER diagram" is left alone).
HESITATIONS = frozenset(["um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "oops"])
# Editing phrases that mean nothing else in a question.
STRONG_PHRASES = frozenset(["i mean", "i meant", "or rather", "scratch that", "nix that", "my bad", "i should say"])
# Words with an ordinary sense too ("wait for a task", "no output", "make that work", "sorry if this is basic").
WEAK_PHRASES = frozenset(
    ["no", "wait", "rather", "actually", "make that", "instead", "tell me", "let s say", "oh", "ah", "yeah",
     "sorry", "i m sorry", "that s not right"]
)  # fmt: skip
# Interjections: two editing words in a row with one of them are an interregnum ("wait no", "oh sorry"),
# where two without one can be ordinary ("does asyncio wait actually block").
INTERJECTIONS = frozenset(["no", "sorry", "i m sorry", "oh", "ah", "yeah"])
# "instead of the end", "rather than a list": prepositions, never a correction.
PREPOSITIONS = frozenset({("instead", "of"), ("rather", "than")})
QUESTION_WORDS = frozenset(["what", "when", "where", "which", "who", "whom", "whose", "why", "how"])
# Second words of a question ("what is", "how many"): after a question word they restart the question.
_QUESTION_OPENERS = frozenset(
    ["is", "are", "was", "were", "do", "does", "did", "can", "could", "has", "have", "had", "will", "would",
     "should", "s", "much", "many", "long", "often", "far", "old"]
)  # fmt: skip
# Stopwords that can follow "no" as a determiner ("no more items", "no such file").
_NO_DETERMINES = frozenset(["more", "most", "other", "such", "further", "few", "same", "own"])
# Words after which "i" is a name ("what does i mean", "the i mean in range(i)"), not the speaker.
_NAMES_THE_LETTER = frozenset(["does", "do", "did", "the", "a", "an", "variable", "letter"])
_ARTICLES = frozenset(["a", "an", "the"])
_RETRACE_SPAN = 3  # how far back a retraced word may stand ("the X Y no the Z")
_PHRASES = tuple(sorted((tuple(p.split()) for p in STRONG_PHRASES | WEAK_PHRASES), key=lambda p: (-len(p), p)))
_CASED_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A question split at its last self-correction.

    Attributes:
        before: Words before the last correction (editing phrases removed); empty when there is none.
        after: Words after the last correction; the whole question when there is none.
        corrected: Whether the question corrects itself (an editing phrase, then the repair).
        operators: The operators the question types ("=", "=="), which its words leave out.
    """

    before: tuple[str, ...]
    after: tuple[str, ...]
    corrected: bool
    operators: tuple[str, ...] = ()

    def text(self) -> str:
        """The question with editing phrases removed, in speaking order."""
        return " ".join(self.before + self.after)


@dataclass(frozen=True, slots=True)
class _Run:
    """Consecutive editing words ``toks[start:end]`` (a leading "or" included).

    Attributes:
        start: Position of the first word.
        end: Position after the last word.
        strong: Whether a hesitation or a phrase with no other sense is among them.
        items: The editing phrases, in order ("or" left out).
    """

    start: int
    end: int
    strong: bool
    items: tuple[str, ...]


def verbatim_query(question: str) -> ParsedQuery:
    """Every word of the question, nothing removed (the benchmark's ``ours_without_cleanup``)."""
    return ParsedQuery((), tuple(words(question)), False, tuple(operator_terms(question)))


def parse_query(question: str) -> ParsedQuery:
    """Split a question at its last self-correction, dropping editing phrases only where they edit.

    Args:
        question: Raw user question.

    Returns:
        The parsed query. Without a repair, ``after`` holds every word of the question (a
        leading or trailing hesitation such as "um" aside) and ``corrected`` is False.
    """
    toks, capital = _tokens(question)
    kept: list[str] = []
    cut = -1
    i = 0
    segment = 0  # where the words a correction may restart begin
    for run in _runs(toks, capital):
        kept.extend(toks[i : run.start])
        i = run.end
        if run.end < len(toks) and (run.strong or (run.start > 0 and _is_repair(toks, capital, run, segment))):
            # At the very start the reparandum is the previous message ("no, I mean sets"): cut at 0.
            cut, segment = len(kept), run.end
            continue
        kept.extend(t for t in toks[run.start : run.end] if t not in HESITATIONS)
    kept.extend(toks[i:])
    operators = tuple(operator_terms(question))
    if cut <= 0:
        return ParsedQuery((), tuple(kept), cut == 0, operators)
    return ParsedQuery(tuple(kept[:cut]), tuple(kept[cut:]), True, operators)


def _tokens(question: str) -> tuple[list[str], list[bool]]:
    """The question's words (as :func:`tutor.text.words` gives them) and whether each was capitalised."""
    toks = words(question)
    decomposed = unicodedata.normalize("NFKD", question)
    cased = _CASED_WORD.findall("".join(ch for ch in decomposed if not unicodedata.combining(ch)))
    if [w.lower() for w in cased] != toks:  # a letter that lower-cases oddly: go without case
        return toks, [False] * len(toks)
    return toks, [w[0].isupper() for w in cased]


def _runs(toks: list[str], capital: list[bool]) -> list[_Run]:
    """Maximal runs of editing words, left to right."""
    runs: list[_Run] = []
    i = 0
    while i < len(toks):
        start, strong, items = i, False, list[str]()
        while i < len(toks):
            if toks[i] in HESITATIONS and not (toks[i] == "er" and capital[i]):
                strong = True
                items.append(toks[i])
                i += 1
                continue
            phrase = next((p for p in _PHRASES if tuple(toks[i : i + len(p)]) == p), None)
            if phrase is None or tuple(toks[i : i + 2]) in PREPOSITIONS:
                break
            if phrase[0] == "i" and i > 0 and toks[i - 1] in _NAMES_THE_LETTER:
                break
            strong = strong or " ".join(phrase) in STRONG_PHRASES
            items.append(" ".join(phrase))
            i += len(phrase)
        if i == start:
            i += 1
            continue
        if start > 0 and toks[start - 1] == "or":  # "X or wait Y": the "or" belongs to the interregnum
            start -= 1
        runs.append(_Run(start, i, strong, tuple(items)))
    return runs


def _is_repair(toks: list[str], capital: list[bool], run: _Run, segment: int) -> bool:
    """Whether the words after ordinary-sense editing words re-state the words before them.

    Each shape is one the words' ordinary use does not produce: the question restarts ("how is no
    why is ..."), two interjections meet ("law wait no supplementary source"), "no" meets a word it
    cannot determine ("Mongols no the Kublai's"), the repair retraces an earlier word ("the tower no
    the bridge"), or it replaces the last word with one of the same kind ("Vaudreuil no Johnson",
    "directed no designed", "1781 no 1883").

    Args:
        toks: The question's words.
        capital: Whether each word was capitalised.
        run: A run with words on both sides.
        segment: Where the words since the previous correction begin.
    """
    prev, nxt = toks[run.start - 1], toks[run.end]
    following = toks[run.end + 1] if run.end + 1 < len(toks) else ""
    if toks[segment] in QUESTION_WORDS and nxt in QUESTION_WORDS and following in _QUESTION_OPENERS:
        return True  # a new question, unlike "how does asyncio wait which task ..."
    if prev in QUESTION_WORDS and nxt in QUESTION_WORDS:  # "who or wait what"
        return True
    if len(run.items) >= 2 and INTERJECTIONS & set(run.items):
        # ... unless "no" determines the next word: "there is no wait in my loop".
        return toks[run.start] == "or" or run.items[0] != "no" or prev not in STOPWORDS or prev in QUESTION_WORDS
    if prev in STOPWORDS:  # "is no output", "to wait for": the word does its ordinary job
        return False
    if run.items == ("no",) and nxt in STOPWORDS and nxt not in _NO_DETERMINES and prev != "yes":
        return True
    earlier = toks[max(segment, run.start - _RETRACE_SPAN) : run.start]
    if nxt in earlier or (nxt in _ARTICLES and _ARTICLES & set(earlier)):
        return True
    if nxt in STOPWORDS:
        return False
    if capital[run.start - 1] and capital[run.end] and run.start - 1 > 0:  # not the capital of a first word
        return True
    if prev.isdigit() and nxt.isdigit():
        return True
    return min(len(prev), len(nxt)) > 4 and any(prev.endswith(s) and nxt.endswith(s) for s in ("ed", "ing"))
