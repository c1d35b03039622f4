"""The course-wide inventory of key terms, and the index of every sentence of a course.

The :class:`TermInventory` of a course lists its key terms by kind: names from the code that the
prose also talks about (keywords, functions, methods, modules, exceptions), multi-word terms and
defined terms of the prose, and section headings. A distractor for a term is always another term of
the same kind from the same course. The :class:`SentenceIndex` finds the course sentences holding
given words: no wrong choice may be something the course states.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.questions.gate import code_line, content, normal, read_passage, stable_hash
from retrieval.types import Chunk
from tutor.text import STOPWORDS

CODE_KINDS = ("keyword", "function", "method", "module", "exception")
KINDS = (*CODE_KINDS, "term", "heading")
# Words that qualify a code name in prose ("the pass statement", "the range function").
_KIND_NOUN_TEXT = """statement statements clause clauses keyword keywords function functions method methods module
    modules loop loops exception exceptions operator operators builtin built-in"""
KIND_NOUNS = frozenset(_KIND_NOUN_TEXT.split())
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


class SentenceIndex:
    """Every prose sentence of a set of passages, findable by the content words it contains."""

    def __init__(self, texts: Iterable[str]) -> None:
        """Index the sentences of ``texts`` (duplicates, as in overlapping chunks, are kept once)."""
        self.sentences: list[str] = []
        self._words: list[frozenset[str]] = []
        self._postings: dict[str, set[int]] = defaultdict(set)
        seen: set[str] = set()
        for text in texts:
            for sentence in read_passage(text).sentences:
                key = normal(sentence)
                if key in seen:
                    continue
                seen.add(key)
                words = content(sentence)
                for word in words:
                    self._postings[word].add(len(self.sentences))
                self.sentences.append(sentence)
                self._words.append(words)

    def containing(self, words: Iterable[str]) -> list[int]:
        """Indexes of the sentences that contain every one of ``words``."""
        wanted = sorted(set(words), key=lambda w: len(self._postings.get(w, ())))
        if not wanted:
            return []
        found = set(self._postings.get(wanted[0], ()))
        for word in wanted[1:]:
            found &= self._postings.get(word, set())
            if not found:
                break
        return sorted(found)

    def cooccurs(self, required: frozenset[str], others: frozenset[str], share: float) -> bool:
        """Whether a sentence holds all of ``required`` and at least ``share`` of ``others``."""
        need = max(1, math.ceil(share * len(others)))
        return any(len(self._words[i] & others) >= need for i in self.containing(required))

    def states(self, text: str) -> bool:
        """Whether one sentence holds every content word of ``text`` (it may say what ``text`` says)."""
        words = content(text)
        return len(words) >= 2 and bool(self.containing(words))


@dataclass(frozen=True)
class Term:
    """One key term of a course.

    Attributes:
        text: The term as written (a code name exactly; a prose term in lower case, singular).
        plural: The plural form of a prose term (same as ``text`` for code names and headings).
        kind: One of :data:`KINDS`.
        count: How many sentences, code lines and headings of the course mention it.
        chunk_ids: The chunks it occurs in, in course order.
    """

    text: str
    plural: str
    kind: str
    count: int
    chunk_ids: tuple[str, ...]

    def form(self, plural: bool) -> str:
        """The singular or plural form."""
        return self.plural if plural else self.text


_GENERIC_TEXT = """example examples way ways thing things new first second third last next previous following same
    other different many much several certain various whole simple useful important common usual special
    little good better best great large small case cases number lot part kind kinds sort time use one two
    three also well just still even actually e g i chapter section tutorial reader user users people
    someone something anything everything nothing here there now later often usually sometimes instead
    more most less least possible able given like unlike rather quite already course basic additional
    see make get let may might must can could should would will shall end ends odds time times right left
    http https www org com html footnote footnotes issue issues limitation limitations recap summary
    introduction overview note notes"""
_GENERIC = frozenset(_GENERIC_TEXT.split())
# Verbs that follow a noun often enough to pass for the end of a phrase ("an exception occurs").
_VERB_TEXT = "occur return raise provide contain create allow take make use work run need support require mean exist"
_VERBS = frozenset(_VERB_TEXT.split())
_DETERMINER_TEXT = "a an the this that these those each every any no its their his her your our my"
_DETERMINERS = frozenset(_DETERMINER_TEXT.split())


def singular(word: str) -> str:
    """The singular of an English noun (regular plurals only)."""
    lower = word.lower()
    if lower in ("series", "species", "news"):
        return word
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 3:
        return word[:-1]
    return word


def plural_of(word: str) -> str:
    """The regular plural of an English noun."""
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def is_plural(phrase: str) -> bool:
    """Whether a prose phrase reads as plural (its last word has a regular plural ending)."""
    last = phrase.split()[-1].lower() if phrase.split() else ""
    return singular(last) != last


def prose_key(phrase: str) -> str:
    """The inventory key of a prose term: lower case, last word singular."""
    words = normal(phrase).split()
    if not words:
        return ""
    words[-1] = singular(words[-1])
    return " ".join(words)


_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*\(")
_METHOD_CALL = re.compile(r"\.([A-Za-z_]\w*)\s*\(")
_IMPORT = re.compile(r"^\s*(?:>>>\s*)?(?:import|from)\s+([A-Za-z_][\w.]*)", re.MULTILINE)
_DEFINED = re.compile(
    r"\b(?:def|class)\s+([A-Za-z_]\w*)|^\s*(?:>>>\s*|\.\.\.\s*)?([A-Za-z_]\w*)\s*=[^=]|\bfor\s+(\w+)\s+in\b",
    re.MULTILINE,
)
_FIRST_WORD = re.compile(r"^\s*(?:>>>|\.\.\.)?\s*([a-z]+)\b")
_EXCEPTION = re.compile(r"\b([A-Z][A-Za-z]*(?:Error|Exception|Warning|Interrupt|Exit|Iteration))\b")
_QUALIFIED = re.compile(r"\b([a-z_][a-z0-9_]*)\s+(statements?|clauses?|keywords?|loops?)\b")
# "... is called X" / "... are known as X", X ending where the clause does.
# "A list comprehension consists of ...", "Tuples are ...": the subject of a definition.
_DEFINED_SUBJECT = re.compile(
    r"^(?:(?:An?|The)\s+([a-z][a-z-]*(?:\s[a-z][a-z-]*){0,2}?)\s+(?:is\s+(?:an?|the)\s|consists\s+of\b|refers\s+to\b)"
    r"|([A-Z][a-z-]*(?:\s[a-z][a-z-]*){0,2}?)\s+(?:are\s|provide\s|consist\s+of\b))"
)
_DEFINED_TERM = re.compile(
    r"\b(?:is|are)\s+(?:called|known\s+as|named)\s+(?:an?\s+|the\s+)?([a-z][a-z-]*(?:\s[a-z][a-z-]*){0,2}?)"
    r"(?=\s*(?:[,;:)]|\.(?:\s|$)|$|\s+(?:and|or|which|that|where|when|but|because)\b))"
)


def _code_names(lines: Sequence[str], prose: str, prose_words: set[str]) -> dict[str, str]:
    """Code names the prose mentions, with their kind."""
    stripped = [_STRING.sub("''", line.split(" #")[0]) for line in lines if not line.lstrip().startswith("#")]
    code = "\n".join(stripped)
    defined = {name for match in _DEFINED.finditer(code) for name in match.groups() if name}
    starts = Counter(m.group(1) for line in stripped if code_line(line) and (m := _FIRST_WORD.match(line)))
    headers = Counter(m.group(1) for line in stripped if (m := _FIRST_WORD.match(line)) and line.rstrip().endswith(":"))
    kinds: dict[str, str] = {}
    for word, _ in _QUALIFIED.findall(prose):
        if word in _GENERIC or word in kinds:
            continue
        if headers[word] >= 2 or (word not in STOPWORDS and starts[word]):
            kinds[word] = "keyword"
    for name in _EXCEPTION.findall(code + "\n" + prose):
        kinds.setdefault(name, "exception")
    for name in _IMPORT.findall(code):
        kinds.setdefault(name.split(".")[0], "module")
    common = STOPWORDS | _GENERIC
    for name in _METHOD_CALL.findall(code):
        if name not in defined and not name.startswith("_") and name not in common:
            kinds.setdefault(name, "method")
    for name in _CALL.findall(code):
        if name not in defined and not name.startswith("_") and name not in common:
            kinds.setdefault(name, "function")
    return {name: kind for name, kind in kinds.items() if name in prose_words and len(name) > 1}


def _prose_terms(sentences: Sequence[str], headings: Iterable[str], code_names: set[str]) -> Counter[str]:
    """Prose term keys with the number of sentences that mention them."""
    too_common = max(8, len(sentences) // 12)
    document_frequency = Counter(w for s in sentences for w in set(normal(s).split()))
    bad = _GENERIC | STOPWORDS

    def good(words: list[str], heading: bool = False) -> bool:
        common = sum(document_frequency[w] > too_common for w in words) >= len(words) and not heading
        return (
            all(w.isalpha() and len(w) > 2 and w not in bad for w in words)
            and all(heading or document_frequency[w] <= too_common * 3 for w in words)
            and not words[-1].endswith(("ly", "ing", "ed"))
            and not words[0].endswith("ly")
            and singular(words[-1]) not in _VERBS
            and not common
            and (heading or not set(words) <= code_names)
            and not any(a in code_names and b in KIND_NOUNS for a, b in itertools.pairwise(words))
        )

    counts: Counter[str] = Counter()
    # A phrase some sentence puts after a determiner ("a list comprehension") is a noun phrase.
    nouny: set[str] = set()
    for sentence in sentences:
        words = normal(sentence).split()
        found = set()
        for n in (2, 3):
            for i in range(len(words) - n + 1):
                if good(words[i : i + n]):
                    key = prose_key(" ".join(words[i : i + n]))
                    found.add(key)
                    if i and words[i - 1] in _DETERMINERS:
                        nouny.add(key)
        counts.update(found)
    defined: Counter[str] = Counter()
    for sentence in sentences:
        subject = _DEFINED_SUBJECT.match(sentence)
        named = [(subject.group(1) or subject.group(2)).lower()] if subject else []
        for phrase in [*_DEFINED_TERM.findall(sentence), *named]:
            words = [w for w in phrase.split() if w not in STOPWORDS]
            if words and words == phrase.split() and not set(words) & bad and not set(words) <= code_names:
                defined[prose_key(phrase)] += 1
    for heading in headings:
        for part in re.split(r",|:|\band\b|\bor\b|---", heading):
            words = [w for w in normal(part).split() if w not in ("the", "a", "an", "on", "more", "using")]
            if len(words) == 1 and not is_plural(words[0]):
                continue
            if len(words) == 1 and words[0] in KIND_NOUNS and words[0] not in STOPWORDS:
                defined[prose_key(words[0])] += 1
            elif 1 <= len(words) <= 3 and good(words, heading=True):
                defined[prose_key(" ".join(words))] += 1
    kept = Counter({key: n for key, n in counts.items() if n >= 3 and key in nouny})
    for key, n in list(kept.items()):
        if any(key != longer and f" {key} " in f" {longer} " and m * 5 >= n * 4 for longer, m in kept.items()):
            del kept[key]
    for key in defined:
        kept[key] = max(kept[key], counts.get(key, 0), 1)
    return kept


class TermInventory:
    """The key terms of one course by kind, with counts and the chunks they occur in."""

    def __init__(self, terms: Iterable[Term], index: SentenceIndex) -> None:
        """Wrap ready terms; use :meth:`build` to make an inventory from a course's chunks."""
        self.terms: dict[tuple[str, str], Term] = {}
        for term in terms:
            group = "code" if term.kind in CODE_KINDS else term.kind
            self.terms[group, term.text if group != "term" else prose_key(term.text)] = term
        self.index = index
        self._by_kind: dict[str, list[Term]] = defaultdict(list)
        for term in self.terms.values():
            self._by_kind[term.kind].append(term)

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> TermInventory:
        """Read every chunk of a course and list its terms."""
        read = [(chunk, read_passage(chunk.text)) for chunk in chunks]
        code_lines = [line for _, passage in read for line in passage.code]
        sentences = list(dict.fromkeys(s for _, passage in read for s in passage.sentences))
        prose = "\n".join(sentences)
        headings = list(dict.fromkeys(h for chunk, p in read for h in (*chunk.heading_path, *p.headings)))
        names = _code_names(code_lines, prose, set(_NAME.findall(prose)))
        prose_counts = _prose_terms(sentences, headings, set(names))
        # Keys: the code name itself, "~" + a prose term's key, "#" + a heading.
        where: dict[str, list[str]] = defaultdict(list)
        counts: Counter[str] = Counter()
        surface: dict[str, Counter[str]] = defaultdict(Counter)
        for chunk, passage in read:
            for text in (*passage.sentences, *passage.headings, *passage.code):
                found = set(_NAME.findall(text)) & names.keys()
                words = normal(text).split()
                for n in (1, 2, 3):
                    for i in range(len(words) - n + 1):
                        key = prose_key(" ".join(words[i : i + n]))
                        if key in prose_counts:
                            found.add("~" + key)
                            surface[key][" ".join(words[i : i + n])] += 1
                found |= {"#" + heading for heading in chunk.heading_path}
                for key in found:
                    counts[key] += 1
                    if chunk.id not in where[key]:
                        where[key].append(chunk.id)
        terms = [Term(n, n, kind, counts[n], tuple(where[n])) for n, kind in names.items() if counts[n]]
        for key in prose_counts:
            if counts["~" + key]:
                seen = [form for form, _ in surface[key].most_common() if form != key]
                plural = seen[0] if seen else key if key.endswith("s") else plural_of(key)
                terms.append(Term(key, plural, "term", counts["~" + key], tuple(where["~" + key])))
        for heading in headings:
            if where.get("#" + heading):
                terms.append(Term(heading, heading, "heading", len(where["#" + heading]), tuple(where["#" + heading])))
        return cls(terms, SentenceIndex(chunk.text for chunk in chunks))

    def of_kind(self, kind: str) -> list[Term]:
        """The terms of one kind, most frequent first."""
        return sorted(self._by_kind.get(kind, []), key=lambda t: (-t.count, t.text))

    def lookup(self, text: str, code: bool = False) -> Term | None:
        """The prose term written ``text`` (any number or case), or with ``code`` the code name ``text``."""
        return self.terms.get(("code", text)) if code else self.terms.get(("term", prose_key(text)))

    def distractors(self, term: Term, avoid: Iterable[str] = (), seed: str = "") -> list[Term]:
        """Other terms of the same kind, the likeliest confusions first.

        Left out: terms containing ``term`` or contained in it ("nested list comprehension" could be
        right where "list comprehension" is), prose terms with the same head word ("exception
        instance" may be a kind of "class instance"), and terms sharing a word with a text of
        ``avoid`` (the sentence) other than the term's own words. First come terms of as many words,
        then ones used in the same document; among equals, frequent terms, then a seeded shuffle.
        """
        own = set(normal(term.text).split()) | set(normal(term.plural).split())
        blocked: set[str] = set()
        for text in avoid:
            blocked |= {singular(w) for w in normal(text).split()} | set(normal(text).split())
        blocked -= own
        key = f" {normal(term.text)} "
        document = term.chunk_ids[0].split("#")[0] if term.chunk_ids else ""
        ranked = []
        for other in self._by_kind.get(term.kind, []):
            words = set(normal(other.text).split()) | set(normal(other.plural).split())
            other_key = f" {normal(other.text)} "
            if other.text == term.text or words & blocked or key in other_key or other_key in key:
                continue
            if term.kind == "term" and normal(other.text).split()[-1:] == normal(term.text).split()[-1:]:
                continue
            rank = (
                len(other.text.split()) != len(term.text.split()),
                not any(c.split("#")[0] == document for c in other.chunk_ids),
                -min(other.count, 4),
                stable_hash(seed, other.text),
            )
            ranked.append((rank, other))
        return [other for _, other in sorted(ranked, key=lambda pair: pair[0])]
