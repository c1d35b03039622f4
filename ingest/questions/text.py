"""Questions from a passage's prose: key-term clozes and "which statement is true?".

A *cloze* blanks the key term of a sentence that defines it or states a property of it ("The pass
statement does nothing." → "The ______ statement does nothing."), with other terms of the same kind
from the course as distractors. A *true statement* question offers one sentence of the passage
among false ones made by changing one thing in passage sentences: a key term swapped for another of
its kind, the main verb negated, always/never or an adjective and its opposite swapped, a number
changed. A wrong choice is never something the course states: every one is checked against all of
the course's sentences (and the gate checks it against the passage again). Everything is
deterministic; the answer's position comes from a hash of the passage and the sentence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence

from ingest.questions.concepts import (
    BEFORE_NAMING,
    BEFORE_SUBJECT,
    Span,
    defines,
    term_spans,
)
from ingest.questions.falsify import VERB_FOLLOWERS, always_never, change_number, negate, negates, with_article
from ingest.questions.gate import (
    BLANK,
    CONTENT_STOP,
    LENGTH_SLACK,
    UNEVEN_RATIO,
    content,
    fill,
    normal,
    read_passage,
    stable_hash,
)
from ingest.questions.terms import CODE_KINDS, TermInventory, is_plural
from ingest.questions.types import Candidate
from retrieval.types import Chunk
from tutor.text import stem

# A sentence opening with one of these leans on the one before it.
_CONTEXT_OPENERS_TEXT = """it its this that these those they their them such he she we i here there then also
    however thus so therefore hence otherwise instead similarly likewise again now finally but and or yet
    still both either neither another other note see one first second third next last same latter former
    perhaps maybe"""
_CONTEXT_OPENERS = frozenset(_CONTEXT_OPENERS_TEXT.split())
_CONTEXT_WORDS = re.compile(
    r"\b(this|these|those|above|below|following|previous|preceding|here|example|examples|they|them|their|"
    r"we|us|our|I|me|my|see|shown|former|latter|earlier|later|said|discussed|mentioned|described|reverse|follows|"
    r"that case|such cases?)\b",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(r"(in fact|in other words|in particular|as a result|for instance|of course|in this)\b", re.I)
_IMPERATIVES_TEXT = """add remove return insert extend sort reverse use note try consider let make take do remember
    compare create open run type install read write print call check keep avoid put set define start change
    look go give imagine suppose assume say find"""
_IMPERATIVES = frozenset(_IMPERATIVES_TEXT.split())
_HEDGES_TEXT = """usually often sometimes may might some many most generally typically normally probably perhaps
    also only mostly rarely almost likely not no never nothing none neither nor few several both either
    cannot without unless except even just can't don't doesn't isn't aren't won't really mainly always"""
_HEDGES = frozenset(_HEDGES_TEXT.split())
# Possibility and frequency: "X can do Y" may hold for another term too, so no term is swapped in it.
_WEAK_TEXT = """can may might could also often usually sometimes some many most typically generally normally
    probably perhaps mostly rarely likely several"""
_WEAK = frozenset(_WEAK_TEXT.split())
_FINITE_TEXT = "is are was were be been can cannot will would should must may might has have had do does did"
_FINITE = frozenset(_FINITE_TEXT.split())
_PREPOSITION_TEXT = "of in for with on at by from to about into over between than as and or"
_NOT_BEFORE_VERB = VERB_FOLLOWERS | frozenset(_PREPOSITION_TEXT.split())
_OPPOSITE_PAIRS = """before after first last larger smaller largest smallest lower higher lowest highest
    faster slower increase decrease inside outside true false required optional mandatory optional explicit
    implicit explicitly implicitly ascending descending minimum maximum enabled disabled"""
_PAIR_WORDS = _OPPOSITE_PAIRS.split()
_OPPOSITES = {
    **dict(zip(_PAIR_WORDS[1::2], _PAIR_WORDS[::2], strict=True)),
    **dict(zip(_PAIR_WORDS[::2], _PAIR_WORDS[1::2], strict=True)),
}
_TOKEN = re.compile(r"[A-Za-z0-9_]+")
_MAX_LENGTH_RATIO = 1.8
# A noun: a plain word after a determiner or "of" and before punctuation or a function word (so not an
# adjective: "a trailing zero"), or a file name ("requirements.txt").
_NOUN = re.compile(
    r"(?:\b(?:the|a|an|its|their|each|every|of)\s+(?P<noun>[a-z]{4,})\b(?![-.]\w)"
    r"(?=\s*(?:[,.;:)]|$)|\s+(?:of|in|to|is|are|was|were|that|which|with|from|and|or|for|by|on|at|as|can|will|has|"
    r"have|may|must|should|does|do|not)\b))"
    r"|(?P<file>\b[A-Za-z_][\w-]*\.(?:txt|py|cfg|toml|ini|json|csv|pyc)\b)"
)


def usable(sentence: str) -> bool:
    """Whether a passage sentence can stand alone in a question (no context pronouns, no code, a plain claim)."""
    words = sentence.split()
    if not 5 <= len(words) <= 35 or not sentence.endswith(".") or not sentence[:1].isupper():
        return False
    if re.search(r"\b(it|the same)\b", sentence, re.IGNORECASE) or _CONNECTIVE.match(sentence):
        return False
    first = _TOKEN.match(sentence)
    if first is None or first.group(0).lower() in _CONTEXT_OPENERS | _IMPERATIVES or _CONTEXT_WORDS.search(sentence):
        return False
    if re.search(
        r">>>|\*\*|'d\b|[=\[\]{}\\`]|::|-->|\.\.\.|\w-\w+-\w|\b\w+\.\w+\(|\?|!|\bvs\b|\be\.g\b|\bi\.e\b", sentence
    ):
        return False
    if sentence.count("(") != sentence.count(")") or sentence.count('"') % 2:
        return False
    alphabetic = sum(1 for w in words if re.fullmatch(r"[A-Za-z][a-z'-]*[,;:.]?", w))
    # A claim has a verb: an auxiliary, or an -s form that does not follow a determiner or preposition
    # (an -ed form proves nothing: "... (handled by the site module)" is a fragment).
    lower = [w.lower().strip(",;:.") for w in words]
    verb = bool(set(lower) & _FINITE) or any(
        re.fullmatch(r"[a-z]{2,}[^su]s", w) and before not in _NOT_BEFORE_VERB
        for before, w in itertools.pairwise(lower)
    )
    return verb and alphabetic >= 0.75 * len(words)


def _predicate(sentence: str, span: Span) -> frozenset[str]:
    return content(sentence[: span.start] + " " + sentence[span.end :])


def _strong(sentence: str, span: Span) -> bool:
    """Whether the rest of the sentence says enough that another term would make it false.

    Many terms share a property ("... can span multiple lines"), so a property needs five content
    words before another prose term can stand in for the right one; a definition ("X is a ...", "...
    is called X") needs three. Code names are swapped only in their plain code use, where two suffice.
    """
    words = len(_predicate(sentence, span))
    if span.term.kind in CODE_KINDS:
        return words >= 2
    after = sentence[span.end :]
    definition = BEFORE_NAMING.search(sentence[: span.start]) or re.match(r"\s+(is|are)\s+(an?|the)\s", after)
    return words >= (3 if definition else 5)


def _even(a: str, b: str) -> bool:
    longer, shorter = max(len(a), len(b)) + LENGTH_SLACK, min(len(a), len(b)) + LENGTH_SLACK
    return longer <= _MAX_LENGTH_RATIO * shorter


def _pick_even(answer: str, options: Iterable[str], most: int = 3) -> list[str]:
    """Up to ``most`` options that keep every choice within the gate's length ratio."""
    picked: list[str] = []
    for option in options:
        lengths = [len(c) + LENGTH_SLACK for c in (answer, *picked, option)]
        if max(lengths) <= UNEVEN_RATIO * min(lengths) and option not in picked:
            picked.append(option)
            if len(picked) == most:
                break
    return picked


class TextQuestions:
    """Cloze and true-statement candidates from the prose of one course's passages."""

    def __init__(self, course: Sequence[Chunk], inventory: TermInventory | None = None) -> None:
        """Read the course (its terms and sentences are where distractors come from and are checked)."""
        self.inventory = inventory or TermInventory.build(course)
        self._vocabulary = {w for s in self.inventory.index.sentences for w in normal(s).split()}
        self._falsified: dict[str, list[str]] = {}
        # The usable sentences of each section: false statements for a question come from its section.
        self._sections: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for chunk in course:
            section = self._sections.setdefault((chunk.document_id, chunk.heading_path), [])
            section += [s for s in read_passage(chunk.text).sentences if usable(s) and s not in section]

    def _swaps(self, sentence: str, span: Span, seed: str) -> Iterator[str]:
        """Forms of other same-kind terms that make the sentence false (the course states none of them)."""
        inventory = self.inventory
        template = sentence[: span.start] + BLANK + sentence[span.end :]
        others = _predicate(sentence, span)
        plural = span.term.kind not in CODE_KINDS and is_plural(span.surface)
        for term in inventory.distractors(span.term, avoid=[sentence], seed=seed):
            form = term.form(plural)
            if span.start == 0 and span.term.kind not in CODE_KINDS:
                form = form[:1].upper() + form[1:]
            if not _even(form, span.surface) or (term.kind not in CODE_KINDS and is_plural(form) != plural):
                continue
            article = re.search(r"\b(an?)\s+$", sentence[: span.start], re.IGNORECASE)
            if article and (article.group(1).lower() == "an") != (form[:1].lower() in "aeiou"):
                continue
            if inventory.index.states(fill(template, form)) or inventory.index.cooccurs(content(form), others, 0.6):
                continue
            yield form

    def cloze(self, chunk: Chunk, sentence: str) -> Candidate | None:
        """A cloze on the term the sentence defines, with three (at least two) same-kind distractors."""
        if _words(sentence) & _WEAK:
            return None
        for span in term_spans(sentence, self.inventory):
            if span.term.kind == "heading" or not defines(sentence, span) or not _strong(sentence, span):
                continue
            if span.term.kind == "term" and " " not in span.surface and not BEFORE_NAMING.search(sentence):
                continue
            wrong = _pick_even(span.surface, self._swaps(sentence, span, chunk.id + sentence))
            if len(wrong) < 2:
                continue
            template = sentence[: span.start] + BLANK + sentence[span.end :]
            return _assemble(
                chunk,
                "cloze",
                f"Fill in the blank:\n\n> {template}",
                span.surface,
                wrong,
                sentence,
                f'The passage says: "{sentence}"',
            )
        return None

    def falsify(self, sentence: str) -> list[str]:
        """False versions of a passage sentence, the surest kinds of change first; none is stated by the course."""
        if sentence not in self._falsified:
            self._falsified[sentence] = self._falsify(sentence, sentence)
        return self._falsified[sentence]

    def _falsify(self, sentence: str, seed: str) -> list[str]:
        found: list[str] = []
        hedged = bool(_words(sentence) & _HEDGES)
        spans = term_spans(sentence, self.inventory)
        subject = next((s for s in spans if s.start == 0 or BEFORE_SUBJECT.match(sentence[: s.start])), None)
        if not hedged:
            found += [v for v in (negate(sentence, subject), self._opposite(sentence)) if v]
        found += [v for v in (always_never(sentence), change_number(sentence)) if v]
        for span in spans if not hedged and not _words(sentence) & _WEAK else []:
            # Only the term a sentence is about is swapped: a term inside a longer phrase ("line number")
            # or in a side remark may be swapped for one that is just as true there.
            if span.term.kind != "heading" and defines(sentence, span) and _strong(sentence, span):
                swap = next(self._swaps(sentence, span, seed), None)
                if swap:
                    found.append(sentence[: span.start] + swap + sentence[span.end :])
        key = normal(sentence)
        out = [v for v in dict.fromkeys(found) if normal(v) != key and not self.inventory.index.states(v)]
        return out

    def _opposite(self, sentence: str) -> str | None:
        """Swap a word for its opposite: a common pair ("first" / "last"), or an adjective and its negative
        prefix form when the course uses both ("mutable" / "immutable")."""
        for match in re.finditer(r"(?<![\w-])([a-z]{3,})(?![\w-])", sentence):
            word = match.group(1)
            if word in _OPPOSITES and not sentence[: match.start()].endswith("at "):
                return with_article(sentence[: match.start()], _OPPOSITES[word]) + sentence[match.end() :]
            if not word.endswith(("able", "ible", "ive", "ful", "ent", "ant")):
                continue
            for prefix in ("un", "im", "in"):
                other = word[len(prefix) :] if word.startswith(prefix) else prefix + word
                if len(other) >= 5 and other in self._vocabulary and other != word:
                    return with_article(sentence[: match.start()], other) + sentence[match.end() :]
        return None

    def true_statement(self, chunk: Chunk, sentence: str, neighbours: Sequence[str] = ()) -> Candidate | None:
        """A "which statement is true?" question: ``sentence`` among false versions of it and of other
        sentences of its section (``neighbours`` first), the ones closest in length preferred."""
        own = self.falsify(sentence)
        section = self._sections.get((chunk.document_id, chunk.heading_path), [])
        others = [s for s in dict.fromkeys([*neighbours, *section]) if s != sentence and _even(s, sentence)]
        others.sort(key=lambda s: (s not in neighbours, abs(len(s) - len(sentence))))
        pool = [(sentence, v) for v in own[:1]]
        for other in others[:6]:
            pool += [(other, v) for v in sorted(self.falsify(other), key=lambda v: negates(other, v))[:1]]
        pool += [(sentence, v) for v in own[1:2]]
        # A true choice that is the only one without a "not" would give itself away: at most two negations,
        # and the other kinds of change first.
        negations = [v for source, v in pool if negates(source, v)][:2]
        wrong = _pick_even(sentence, [v for source, v in pool if not negates(source, v)] + negations)
        if len(wrong) < 2:
            return None
        topic = re.sub(r"[\x00-\x1f]", "", chunk.heading_path[-1] if chunk.heading_path else chunk.source_name)
        prompt = _statement_prompt(topic, self.focus([sentence, *wrong], topic))
        explanation = f'The passage says: "{sentence}" Each other choice changes what the material says.'
        return _assemble(chunk, "true_statement", prompt, sentence, wrong, sentence, explanation)

    def focus(self, choices: Sequence[str], topic: str) -> list[str]:
        """Up to two key terms the choices are about, for the prompt: terms at least two choices name
        (so naming them gives no choice away), the rarest in the course first, none the topic names."""
        named: dict[str, tuple[int, int, str]] = {}
        topic_words = {stem(w) for w in normal(topic).split()}
        for choice in choices:
            for span in {s.term.text: s for s in term_spans(choice, self.inventory)}.values():
                term = span.term
                if term.kind == "heading" or {stem(w) for w in normal(term.text).split()} <= topic_words:
                    continue
                shown = f"`{term.text}`" if term.kind in CODE_KINDS else term.plural.lower()
                seen, rarity, _ = named.get(term.text, (0, len(term.chunk_ids), shown))
                named[term.text] = (seen + 1, rarity, shown)
        shared = sorted((rarity, -seen, shown) for seen, rarity, shown in named.values() if seen >= 2)
        return [shown for _, _, shown in shared[:2]] or self._shared_nouns(choices, topic_words)[:1]

    def _shared_nouns(self, choices: Sequence[str], topic_words: set[str]) -> list[str]:
        """Nouns (a word after a determiner or "of", or a file name) that two choices or more share,
        the rarest in the course first."""
        found: dict[str, tuple[int, str]] = {}
        for choice in choices:
            for match in _NOUN.finditer(choice):
                surface = match.group("file") or match.group("noun")
                key = stem(surface.lower())
                if key in topic_words or surface.lower() in CONTENT_STOP or len(surface) < 4:
                    continue
                file = bool(match.group("file"))
                shown = f"`{surface}`" if file else surface.lower()
                found.setdefault(key, (0, shown))
                if sum((surface in c) if file else key in {stem(w) for w in normal(c).split()} for c in choices) >= 2:
                    found[key] = (2, found[key][1])
        shared = [(len(self.inventory.index.containing([k])), shown) for k, (n, shown) in found.items() if n >= 2]
        return [shown for _, shown in sorted(shared)]

    def candidates(self, chunk: Chunk) -> list[Candidate]:
        """Text candidates from one passage: at most one per sentence, clozes and statements alternating."""
        sentences = [s for s in read_passage(chunk.text).sentences if usable(s)]
        out: list[Candidate] = []
        for i, sentence in enumerate(sentences):
            statement_first = (stable_hash(chunk.id, sentence) + i) % 2 == 1
            made = None
            for kind in ("true_statement", "cloze") if statement_first else ("cloze", "true_statement"):
                if kind == "cloze":
                    made = self.cloze(chunk, sentence)
                else:
                    made = self.true_statement(chunk, sentence, sentences)
                if made is not None:
                    out.append(made)
                    break
        return out


def _statement_prompt(topic: str, focus: Sequence[str]) -> str:
    """ "In “Numbers”, which statement about floor division is true?" (or about the topic alone)."""
    if not topic:
        return "Which statement is true?"
    if not focus:
        return f"Which statement about “{topic}” is true?"
    return f"In “{topic}”, which statement about {' and '.join(focus)} is true?"


def _assemble(
    chunk: Chunk, kind: str, prompt: str, answer: str, wrong: Sequence[str], support: str, explanation: str
) -> Candidate:
    position = stable_hash(chunk.id, support, kind) % (len(wrong) + 1)
    choices = (*wrong[:position], answer, *wrong[position:])
    return Candidate(prompt, tuple(choices), position, explanation, kind, chunk, support)


def _words(sentence: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z']+", sentence)}
