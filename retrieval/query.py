"""Parsing of spoken-style, self-corrected questions ("X no sorry Y").

A speaker who corrects themselves says a *reparandum*, an editing phrase ("no", "sorry",
"I mean", "um") and then the *repair*. The words after the last editing phrase are what the
speaker means; the words before it are partly context the repair still relies on and partly
the abandoned wording. We keep both but down-weight the part before the correction, and drop
the editing phrases themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from tutor.text import words

# Single words that only occur in a question as hesitations or editing terms.
FILLERS = frozenset(["um", "umm", "uh", "uhh", "er", "erm", "ah", "oh", "oops", "yeah"])
# Words and phrases that announce a correction. Multi-word phrases are matched first.
EDIT_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in sorted(
        [
            "no", "sorry", "i mean", "i meant", "wait", "rather", "actually", "make that",
            "scratch that", "instead", "i m sorry", "no wait", "or rather", "tell me",
            "i should say", "no no", "let s say", "that s not right", "or no",
        ],
        key=lambda p: -len(p.split()),
    )
)

# "instead of the end", "rather than a list": prepositions, never a correction.
PREPOSITIONS = frozenset({("instead", "of"), ("rather", "than")})


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A question split at its last correction.

    Attributes:
        before: Words spoken before the last correction (fillers and edit phrases removed).
        after: Words after the last correction; the whole question when there is none.
        corrected: Whether a correction or hesitation was found.
    """

    before: tuple[str, ...]
    after: tuple[str, ...]
    corrected: bool

    def text(self) -> str:
        """The question with editing phrases removed, in speaking order."""
        return " ".join(self.before + self.after)


def parse_query(question: str) -> ParsedQuery:
    """Split a question at its last editing phrase or hesitation.

    Args:
        question: Raw user question.

    Returns:
        The parsed query; ``corrected`` is False when nothing marks a self-correction.
    """
    toks = words(question)
    kept: list[str] = []
    cut = -1
    i = 0
    while i < len(toks):
        if toks[i] in FILLERS:
            cut = len(kept)
            i += 1
            continue
        phrase = next((p for p in EDIT_PHRASES if tuple(toks[i : i + len(p)]) == p), None)
        if phrase is not None and tuple(toks[i : i + 2]) not in PREPOSITIONS:
            cut = len(kept)
            i += len(phrase)
            continue
        kept.append(toks[i])
        i += 1
    if cut <= 0:
        return ParsedQuery((), tuple(kept), cut == 0)
    return ParsedQuery(tuple(kept[:cut]), tuple(kept[cut:]), True)
