"""A course's concepts, proposed from its material, and where its key terms are defined.

:func:`propose_concepts` offers an instructor the concepts a course teaches: its section headings
(generic ones such as "Introduction" or "More on ..." left out) and the terms its sentences define
("A list comprehension consists of ...", "... is called a module"). Each concept has a readable name,
a stable skill id (a slug such as ``list-comprehension``, valid as a course skill id) and the chunks
that teach it, best first. :func:`tag` gives the concepts a chunk teaches, so drafts are tagged.

The same reading finds where a term occurs in a sentence (:func:`term_spans`) and whether the
sentence defines it or states a property of it (:func:`defines`); the text questions use both.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from ingest.questions.gate import normal, read_passage
from ingest.questions.terms import CODE_KINDS, Term, TermInventory, is_plural, prose_key, singular
from retrieval.types import Chunk

_TOKEN = re.compile(r"[A-Za-z0-9_]+")
AUXILIARIES = frozenset(["is", "are", "was", "were", "can", "cannot", "will", "must", "should", "has", "have"])
_PLURAL_VERBS_TEXT = """are can cannot must should will may have do provide return create generate contain consist take
    allow let make produce support work behave act hold use define refer represent store run execute evaluate
    raise remove add require accept mean iterate continue read write print convert build specify determine
    differ apply belong keep search handle describe give live exist occur start end come call check compare
    match need"""
PLURAL_VERBS = frozenset(_PLURAL_VERBS_TEXT.split())
AFTER_NAMING = re.compile(r"^\s*(?:[,;:.)]|$|\s(?:and|or|which|that|where|when|but|because)\b)")
BEFORE_NAMING = re.compile(r"\b(?:is|are)\s+(?:called|known\s+as|named)\s+(?:an?\s+|the\s+)?$")
BEFORE_SUBJECT = re.compile(r"^(?:(?:the|a|an)\s+)?(?:built-in\s+)?(?:(?:function|method|module|keyword)\s+)?$", re.I)
KIND_AFTER = re.compile(r"^\s+(?:statements?|clauses?|functions?|methods?|modules?|keywords?|loops?)\b", re.I)


@dataclass(frozen=True)
class Span:
    """Where a key term of the course occurs in a sentence."""

    start: int
    end: int
    term: Term
    surface: str


def _qualified(sentence: str, start: int, end: int, term: Term) -> bool:
    """Whether a code name is plainly used as code here ("the pass statement", "the function range")."""
    after, before = sentence[end:], sentence[:start].lower()
    if term.kind == "keyword":
        return bool(re.match(r"\s+(statements?|clauses?|keywords?|loops?)\b", after))
    if term.kind == "exception" or "_" in term.text or after.startswith("()"):
        return True
    return bool(KIND_AFTER.match(after) or re.search(r"\b(function|method|module|built-in)\s+$", before))


def term_spans(sentence: str, inventory: TermInventory) -> list[Span]:
    """The course's key terms in a sentence, longest first where they overlap, in sentence order."""
    tokens = list(_TOKEN.finditer(sentence))
    spans: list[Span] = []
    taken: set[int] = set()
    for match in tokens:
        term = inventory.lookup(match.group(0), code=True)
        if term and term.kind in CODE_KINDS and _qualified(sentence, match.start(), match.end(), term):
            spans.append(Span(match.start(), match.end(), term, match.group(0)))
            taken.add(match.start())
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            first, last = tokens[i], tokens[i + size - 1]
            surface = sentence[first.start() : last.end()]
            if re.search(r"[^\w -]|  ", surface) or any(t.start() in taken for t in tokens[i : i + size]):
                continue
            term = inventory.lookup(surface)
            if term is None or not (surface.islower() or (i == 0 and surface[1:].islower())):
                continue
            spans.append(Span(first.start(), last.end(), term, surface))
            taken |= {t.start() for t in tokens[i : i + size]}
    return sorted(spans, key=lambda s: s.start)


def defines(sentence: str, span: Span) -> bool:
    """Whether the sentence defines or states a property of the term at ``span`` (subject or named term)."""
    before, after = sentence[: span.start], sentence[span.end :]
    if BEFORE_NAMING.search(before) and AFTER_NAMING.match(after):
        return True
    if not BEFORE_SUBJECT.match(before):
        return False
    verb = subject_verb(sentence, span)
    if verb is None:
        return False
    word = verb.group(1)
    if span.term.kind not in CODE_KINDS and is_plural(span.surface):
        return word in PLURAL_VERBS
    return word in AUXILIARIES or word == "does" or (word.endswith("s") and not word.endswith("ss") and len(word) > 3)


def subject_verb(sentence: str, subject: Span) -> re.Match[str] | None:
    """The verb right after a subject term (and its kind noun: "the for statement iterates").

    A word followed by another verb ("... archives are ...") is the end of a longer noun phrase, and one
    followed by "and", "or" or a comma is one of several nouns ("the arguments start and end are ...").
    """
    kind = KIND_AFTER.match(sentence[subject.end :])
    verb = re.compile(
        r"\s+([a-z]+)\b(?!\s*,|\s+(?:and|or|is|are|can|was|were|will|must|should|may|has|have|do|does)\b)"
    )
    return verb.match(sentence, subject.end + (kind.end() if kind else 0))


@dataclass(frozen=True)
class Concept:
    """One concept a course teaches.

    Attributes:
        id: Skill id: a slug of the name (``list-comprehension``), valid as a course skill id.
        name: Readable name ("List comprehensions", "The pass statement").
        chunk_ids: The chunks that teach it, best first (at most :data:`MAX_CHUNKS`).
    """

    id: str
    name: str
    chunk_ids: tuple[str, ...]


MAX_CHUNKS = 5
_GENERIC_HEADING_TEXT = """introduction intro examples example footnotes footnote recap summary overview appendix notes
    note exercises exercise conclusion conclusions remarks random odds ends misc miscellaneous further reading what
    now next steps preface contents index glossary references"""
_GENERIC_HEADING = frozenset(_GENERIC_HEADING_TEXT.split())
_FILLER = frozenset(
    ["a", "an", "the", "and", "or", "of", "on", "in", "to", "for", "with", "about", "using", "your", "its"]
)


def skill_id(name: str) -> str:
    """A stable skill id for a concept name: lower-case words, singular, joined by hyphens (at most 64 chars)."""
    words = [w for w in normal(name).split() if w not in ("the", "a", "an")]
    if words:
        words[-1] = singular(words[-1])
    slug = "-".join(words)[:64].strip("-_.")
    return slug if slug and slug[0].isalnum() else ("c-" + slug)[:64].strip("-_.") or "concept"


def _generic(heading: str) -> bool:
    words = [w for w in normal(heading).split() if w not in _FILLER]
    return not words or words[0] == "more" or all(w in _GENERIC_HEADING for w in words)


def _clean(heading: str) -> str:
    return " ".join(heading.replace("\x00", "").split()).rstrip("?:.")


def _heading_concepts(chunks: Sequence[Chunk], structure: Collection[str]) -> dict[str, tuple[str, list[str], float]]:
    """Section headings: {skill id: (name, chunk ids best first, score)}; headings covering half the course drop."""
    found: dict[str, tuple[str, list[str], float]] = {}
    under: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for position, chunk in enumerate(chunks):
        for depth, heading in enumerate(chunk.heading_path):
            # The passage directly under a heading teaches it best; one in a subsection less so.
            under[_clean(heading)].append((len(chunk.heading_path) - 1 - depth, position, chunk.id))
    for heading, places in under.items():
        if (
            _generic(heading)
            or heading.casefold() in structure
            or (len(chunks) >= 8 and len(places) * 2 >= len(chunks))
        ):
            continue
        key = skill_id(heading)
        ranked = list(dict.fromkeys(chunk_id for _, _, chunk_id in sorted(places)))
        if key not in found or len(ranked) > len(found[key][1]):
            found[key] = (heading, ranked, 2.0 + min(len(ranked), 8))
    return found


def _term_name(term: Term) -> str:
    if term.kind in CODE_KINDS:
        kind = "statement" if term.kind == "keyword" else term.kind
        return f"The {term.text} {kind}" if term.kind != "exception" else term.text
    return term.plural[:1].upper() + term.plural[1:]


def _defined_concepts(chunks: Sequence[Chunk], inventory: TermInventory) -> dict[str, tuple[str, list[str], float]]:
    """Terms that a sentence defines: {skill id: (name, chunk ids best first, score)}."""
    defining: dict[str, list[str]] = defaultdict(list)
    terms: dict[str, Term] = {}
    for chunk in chunks:
        for sentence in read_passage(chunk.text).sentences:
            for span in term_spans(sentence, inventory):
                if span.term.kind == "heading" or not defines(sentence, span):
                    continue
                if span.term.kind == "term" and " " not in span.surface and not BEFORE_NAMING.search(sentence):
                    continue
                key = span.term.text if span.term.kind in CODE_KINDS else prose_key(span.term.text)
                terms.setdefault(key, span.term)
                if chunk.id not in defining[key]:
                    defining[key].append(chunk.id)
    found: dict[str, tuple[str, list[str], float]] = {}
    for key, term in terms.items():
        home = defining[key][0].split("#")[0]
        others = sorted((c for c in term.chunk_ids if c not in defining[key]), key=lambda c: c.split("#")[0] != home)
        name = _term_name(term)
        found[skill_id(name)] = (name, [*defining[key], *others], float(term.count))
    return found


def propose_concepts(chunks: Sequence[Chunk], limit: int = 40, structure: Iterable[str] = ()) -> list[Concept]:
    """The concepts a course teaches, from its headings and defined terms, in course order.

    ``structure`` names headings that are the course's own frame, not concepts (its title and module
    titles, which start every passage's heading path).

    Duplicates (same skill id, so case and plural aside) merge: a heading's name wins, and the
    chunks of both are kept, best first. Of the ``limit`` kept, up to a third are defined terms
    (the most used), the rest the headings with the most passages.
    """
    if not chunks:
        return []
    defined = _defined_concepts(chunks, TermInventory.build(chunks))
    headings = _heading_concepts(chunks, {_clean(name).casefold() for name in structure})
    for key, (name, ranked, score) in list(headings.items()):
        if key in defined:
            headings[key] = (name, list(dict.fromkeys([*ranked, *defined.pop(key)[1]])), score + 1)
    # Headings first, but a third of the places go to defined terms when there are that many.
    by_score = sorted(defined.items(), key=lambda item: (-item[1][2], item[0]))
    terms = by_score[: max(limit // 3, limit - len(headings))]
    best = sorted(headings.items(), key=lambda item: (-item[1][2], item[0]))[: limit - len(terms)] + terms
    position = {chunk.id: i for i, chunk in enumerate(chunks)}
    concepts = [Concept(key, name[:80], tuple(ranked[:MAX_CHUNKS])) for key, (name, ranked, _) in best]
    return sorted(concepts, key=lambda c: (min(position.get(i, 0) for i in c.chunk_ids), c.id))


def tag(chunk_id: str, concepts: Sequence[Concept]) -> tuple[str, ...]:
    """Skill ids of the concepts that ``chunk_id`` teaches, those it teaches best first."""
    ranked = Counter({c.id: c.chunk_ids.index(chunk_id) for c in concepts if chunk_id in c.chunk_ids})
    return tuple(sorted(ranked, key=lambda cid: (ranked[cid], cid)))
