"""Candidate sentences of the retrieved passages, their scores, and contiguous excerpts around the best.

An excerpt starts at the answering sentence and grows only within its paragraph: back over sentences
it leans on ("This ...", "It ...") and forward over sentences that score nearly as well or that it
introduces ("... like this:"), then takes the code block the paragraph introduces, whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agents.providers.local.embedding import QueryEmbedder, unit_vectors
from agents.providers.local.passages import Block, blocks
from retrieval.query import parse_query
from retrieval.types import Chunk, SearchHit
from tutor.text import content_words

if TYPE_CHECKING:
    from agents.providers.local.compose import ComposerConfig

_LEANS_BACK = re.compile(
    r"^(this|that|these|those|it|its|they|their|them|such|so|then|thus|hence|however|but|also|otherwise|there|"
    r"instead|here|both|each|the (former|latter|same|result|difference|other)|in (that|this) case|"
    r"for (example|instance)|as a result|likewise|similarly|again|still|and|or|too)\b",
    re.IGNORECASE,
)
_REFERS_BACK = re.compile(
    r"\b(this|that|the above) (command|example|code|call|snippet|line)\b|\babove\b", re.IGNORECASE
)
_MIN_WORDS = 4
_MAX_CODE_CANDIDATE_LINES = 12
_MAX_CODE_BLOCKS = 2
_BARE_INTRO = 40  # a paragraph this short before code only introduces it ("For example:")
# One point of a list reads worse alone than a sentence of prose, but it is often the very answer
# ("Wrap lines so that they don't exceed 79 characters."): a small penalty only (dev split: 0.05 quotes
# the answer as often as 0 and more often than 0.15).
LIST_PENALTY = 0.05
# A recap restates in one line what a section of its lesson explains: quote the explanation first.
RECAP_PENALTY = 0.1
_RECAP = re.compile(r"\b(summary|recap|key (points|ideas|takeaways)|takeaways|in short|wrap[- ]up|tl;?dr)\b", re.I)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A prose sentence of a retrieved passage.

    Attributes:
        hit: Index of its passage in the hits.
        block: Index of its paragraph in the passage's blocks.
        sentence: Index of the sentence in the paragraph; -1 for a whole code block.
        text: The sentence.
        score: Evidence plus the passage-rank bonus (0 before scoring).
        listed: The sentence is an item of a list of short points (a recap or "common mistakes" list):
            it reads poorly out of its list, so it ranks a little lower than explanatory prose.
    """

    hit: int
    block: int
    sentence: int
    text: str
    score: float = 0.0
    listed: bool = False


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A contiguous quote: consecutive blocks of one passage, as ``(kind, text)`` with kind prose or code."""

    segments: tuple[tuple[str, str], ...]

    @property
    def prose(self) -> str:
        """The quoted prose, joined."""
        return " ".join(text for kind, text in self.segments if kind == "prose")


def candidates(hits: Sequence[SearchHit], max_chars: int) -> tuple[list[list[Block]], list[Candidate]]:
    """Every readable prose sentence of the hits, and each hit's blocks."""
    parsed = [blocks(h.chunk.text, h.chunk.heading_path) for h in hits]
    out = []
    for h, items in enumerate(parsed):
        for b, block in enumerate(items):
            if block.kind == "code" and block.text.count("\n") < _MAX_CODE_CANDIDATE_LINES:
                out.append(Candidate(h, b, -1, block.text))  # code answers "what does x = x + 5 do"
            listed = _in_list(items, b)
            for s, text in enumerate(block.sentences):
                if len(text.split()) >= _MIN_WORDS and len(text) <= max_chars:
                    out.append(Candidate(h, b, s, text, listed=listed))
    return parsed, out


def _in_list(items: list[Block], b: int) -> bool:
    """Whether paragraph ``b`` is one of three or more consecutive short (at most two-sentence) paragraphs."""

    def short(i: int) -> bool:
        return 0 <= i < len(items) and items[i].kind == "prose" and len(items[i].sentences) <= 2

    return short(b) and any(short(i) and short(i + 1) and short(i + 2) for i in range(b - 2, b + 1))


def query_weights(question: str) -> dict[str, float]:
    """Content words of a question; words the speaker corrected away ("X no sorry Y") count half."""
    parsed = parse_query(question)
    weights = dict.fromkeys(content_words(" ".join(parsed.before)), 0.5)
    weights.update(dict.fromkeys(content_words(" ".join(parsed.after)), 1.0))
    return weights


def lexical_overlap(weights: dict[str, float], text: str) -> float:
    """Weighted share of the question's content words that ``text`` contains, in [0, 1]."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    present = set(content_words(text))
    return sum(w for word, w in weights.items() if word in present) / total


def _section_title(chunk: Chunk, text: str) -> str:
    """The title of the section ``text`` stands in: a passage may run on into later (short) sections."""
    offset = chunk.text.find(text)
    path = chunk.heading_path_at(offset) if offset >= 0 else chunk.heading_path
    return path[-1] if path else ""


def score_candidates(
    question: str,
    cands: list[Candidate],
    hits: Sequence[SearchHit],
    embedder: QueryEmbedder,
    lexical_weight: float,
    rank_weight: float,
    max_candidates: int,
    heading_weight: float = 0.0,
) -> tuple[list[Candidate], float]:
    """Candidates best first, and the evidence strength (best dense + lexical score, no rank bonus)."""
    if not cands:
        return [], 0.0
    weights = query_weights(question)
    sections = [_section_title(hits[c.hit].chunk, c.text) for c in cands]
    # A sentence is read with its section heading: "It raises an error" means little alone.
    overlaps = [lexical_overlap(weights, c.text + " " + section) for c, section in zip(cands, sections, strict=True)]
    # A sentence under a heading that names what was asked ("Tuples and Sets") is where a tutor looks first.
    headed = [lexical_overlap(weights, section) for section in sections]
    if len(cands) > max_candidates:
        keep = sorted(range(len(cands)), key=lambda i: (-overlaps[i], cands[i].hit, cands[i].block))[:max_candidates]
        cands, overlaps, headed = [cands[i] for i in keep], [overlaps[i] for i in keep], [headed[i] for i in keep]
        sections = [sections[i] for i in keep]
    vectors = unit_vectors(embedder, [question] + [c.text for c in cands])
    dense = vectors[1:] @ vectors[0]
    scored, strength = [], 0.0
    for cand, sim, overlap, heading, section in zip(cands, dense, overlaps, headed, sections, strict=True):
        evidence = float(sim) + lexical_weight * overlap
        strength = max(strength, evidence)
        bonus = rank_weight / (1 + cand.hit) + heading_weight * heading - (LIST_PENALTY if cand.listed else 0.0)
        if _RECAP.search(section):
            bonus -= RECAP_PENALTY
        scored.append(Candidate(cand.hit, cand.block, cand.sentence, cand.text, evidence + bonus, cand.listed))
    scored.sort(key=lambda c: (-c.score, c.hit, c.block, c.sentence))
    return scored, strength


def _window(sentences: tuple[str, ...], best: int, max_chars: int) -> tuple[int, int]:
    """Sentences around ``best`` that it leans on and that fit: the whole paragraph when it fits."""
    if sum(len(s) + 1 for s in sentences) <= max_chars:
        return 0, len(sentences) - 1
    start = end = best

    def length() -> int:
        return sum(len(s) + 1 for s in sentences[start : end + 1])

    while start > 0 and length() + len(sentences[start - 1]) <= max_chars and (
        best - start < 2 or _LEANS_BACK.match(sentences[start])
    ):
        start -= 1
    while end + 1 < len(sentences) and length() + len(sentences[end + 1]) <= max_chars:
        end += 1
    return start, end


def _list_run(items: list[Block], b: int) -> tuple[int, int]:
    """First and last paragraph of the run of short paragraphs (a list) that paragraph ``b`` belongs to."""

    def short(i: int) -> bool:
        return 0 <= i < len(items) and items[i].kind == "prose" and len(items[i].sentences) <= 2

    first = last = b
    while short(first - 1):
        first -= 1
    while short(last + 1):
        last += 1
    return first, last


def build_excerpt(
    items: list[Block], best: Candidate, cfg: ComposerConfig, want_code: bool, question: str = "",
    whole_section: bool = True,
) -> Excerpt:
    """The contiguous excerpt around ``best``, never crossing a heading and never cutting a code block.

    A short section is quoted whole (``whole_section``; a second source quotes only what it adds).

    A sentence brings its paragraph (or the window of it that fits); a code block brings the
    paragraph introducing it. The excerpt then runs on through the next blocks while the prose
    budget and the code-line budget last (at most two code blocks), and takes the code block just
    before the answering paragraph when that paragraph explains it ("finally is the place for ...").
    """

    def fits(block: Block) -> bool:
        return block.text.count("\n") < cfg.max_code_lines

    section = _whole_section(items, best.block, cfg.max_excerpt_chars, fits) if whole_section else None
    if section is not None:
        return section
    budget = cfg.max_excerpt_chars
    topic = set(query_weights(question)) if question else set()
    segments: list[tuple[str, str]] = []
    last = best.block
    if best.sentence >= 0:
        sentences = items[best.block].sentences
        start, end = _window(sentences, best.sentence, budget)
        text = " ".join(sentences[start : end + 1])
        segments.append(("prose", text))
        budget -= len(text)
        whole = start == 0 and end + 1 == len(sentences)
        before = items[best.block - 1] if best.block > 0 else None
        after_heading = best.block >= 2 and items[best.block - 2].kind == "heading"
        if whole and before is not None and before.kind == "code" and fits(before) and (
            want_code or _LEANS_BACK.match(sentences[0]) or _REFERS_BACK.search(sentences[0]) or after_heading
        ):
            segments.insert(0, ("code", before.text))
            intro = items[best.block - 2] if best.block >= 2 else None
            # "... run the venv module as a script:" is what the command and its explanation answer.
            if intro is not None and intro.kind == "prose" and intro.text.endswith(":") and len(intro.text) <= budget:
                segments.insert(0, ("prose", intro.text))
                budget -= len(intro.text)
        elif whole and best.listed and whole_section:  # a second source quotes only its own point
            first, last_item = _list_run(items, best.block)
            run = [items[i].text for i in range(first, last_item + 1)]
            if sum(len(t) for t in run) <= cfg.max_excerpt_chars:
                # One point of a list reads best with its neighbours: quote the whole (short) list.
                segments = [("prose", t) for t in run]
                budget = cfg.max_excerpt_chars - sum(len(t) for t in run)
                last = last_item
        if end + 1 < len(sentences) or (best.listed and not whole_section):
            return Excerpt(tuple(_tidy(segments)))  # one point of a list is quoted alone by a second source
    else:
        before = items[best.block - 1] if best.block > 0 else None
        if before is not None and before.kind == "prose" and len(before.text) <= budget:
            segments.append(("prose", before.text))
            budget -= len(before.text)
            earlier = items[best.block - 2] if best.block >= 2 else None
            # "For example:" says nothing alone: the paragraph before it is what the code exemplifies.
            if len(before.text) <= _BARE_INTRO and earlier is not None and earlier.kind == "prose" and (
                len(earlier.text) <= budget
            ):
                segments.insert(0, ("prose", earlier.text))
                budget -= len(earlier.text)
        segments.append(("code", items[best.block].text))
    codes = sum(kind == "code" for kind, _ in segments)
    for block in items[last + 1 :]:
        if block.kind == "heading":
            break
        if block.kind == "code":
            # A paragraph that introduces code ("... comparable to one another:") brings it, one over the cap.
            introduced = segments[-1][0] == "prose" and segments[-1][1].endswith(":")
            if not fits(block) or codes >= _MAX_CODE_BLOCKS + introduced:
                break
            segments.append(("code", block.text))
            codes += 1
            continue
        # Another paragraph joins only when it continues this one (the previous one introduced it, or
        # it leans back); "Common mistakes"-style lists put unrelated points in consecutive paragraphs.
        continues = (
            segments[-1][0] == "code" or segments[-1][1].endswith(":") or bool(_LEANS_BACK.match(block.text))
            or bool(topic & set(content_words(block.text)))
        )
        if len(block.text) > budget or not continues:
            break
        segments.append(("prose", block.text))
        budget -= len(block.text)
    while segments and segments[-1][0] == "prose" and segments[-1][1].endswith(":") and len(segments) > 1:
        segments.pop()
    return Excerpt(tuple(_tidy(segments)))


def _whole_section(
    items: list[Block], b: int, max_chars: int, fits: Callable[[Block], bool]
) -> Excerpt | None:
    """The whole section around block ``b`` (between its headings) when it is short enough to quote.

    A short section is one explanation: its sentences lean on each other, so it is quoted whole
    rather than cut around one sentence. Its prose must fit the budget, its code blocks the line
    budget (at most two of them).
    """
    start = b
    while start > 0 and items[start - 1].kind != "heading":
        start -= 1
    end = b
    while end + 1 < len(items) and items[end + 1].kind != "heading":
        end += 1
    section = items[start : end + 1]
    codes = [block for block in section if block.kind == "code"]
    prose = sum(len(block.text) for block in section if block.kind == "prose")
    if len(section) < 2 or prose > max_chars or len(codes) > _MAX_CODE_BLOCKS or not all(map(fits, codes)):
        return None
    return Excerpt(tuple(_tidy([(block.kind, block.text) for block in section])))


def _tidy(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A trailing "... like this:" with nothing after it ends with a full stop instead."""
    if segments and segments[-1][0] == "prose" and segments[-1][1].endswith(":"):
        segments[-1] = ("prose", segments[-1][1][:-1] + ".")
    return segments
