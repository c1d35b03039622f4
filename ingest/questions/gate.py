"""The quality gate every generated candidate passes before it becomes a draft, whoever wrote it.

:class:`QualityGate` checks one candidate at a time and answers ``None`` (keep) or a short reason
code. The checks, cheapest first:

* ``bad_shape``: 3 to 5 non-empty choices, an answer among them, a known kind, one blank in a cloze;
* ``choices_not_distinct``: no two choices the same after normalisation (prose: case, punctuation,
  plurals; computed values: white space only);
* ``choices_uneven``: all choices code or all prose (values of code questions aside), and of similar
  length (a long odd one out is a tell);
* ``answer_in_prompt``: the prompt's prose does not already contain the correct choice;
* ``answer_unsupported``: the passage makes the correct choice right (:func:`answer_supported`);
* ``distractor_supported``: the passage does not make a wrong choice right too (:func:`distractor_supported`);
* ``duplicate``: the question is not a near-duplicate of one of the course or of one kept earlier.

The gate reads a passage the way the generators do (:func:`read_passage`: prose sentences, code
lines and headings, told apart by their shape since chunk text has lost its markup), so a sentence
the generator quoted is a sentence the gate finds.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ingest.questions.types import KINDS, Candidate
from tutor.text import STOPWORDS, normalize, stem

MIN_CHOICES, MAX_CHOICES = 3, 5
# Longest over shortest choice, each counted with this many extra characters (so "if" vs "while" is even).
UNEVEN_RATIO, LENGTH_SLACK = 2.0, 12
# Cosine from which two questions count as the same question, between embeddings of what they ask
# (:func:`question_text`: the prompt without its generic frame, then the answer). With MiniLM on the
# tutorial's 225 text candidates (25,200 pairs), distinct facts of one section score at most 0.90,
# and only 3 pairs reach 0.87 (all on the try/except clauses); paraphrases of one fact written by
# hand ("A namespace is a mapping from names to objects." / "What is a namespace? A mapping from names
# to objects.") score 0.74-0.98, six of eight at 0.87 or more. 0.87 drops the close rewordings and
# costs about one distinct question in a hundred.
DUPLICATE_THRESHOLD = 0.87
_BLANK = re.compile(r"_{3,}")
_FENCE = re.compile(r"```.*?(```|$)", re.DOTALL)
# The wording every question of a kind shares, which says nothing about what it asks.
_FRAME = re.compile(r"^Fill in the blank:|Which (?:statement|of these statements)(?: about “[^”]*”)? is true\?", re.M)
# Words that frame a question rather than name its topic.
_QUESTION_TEXT = """which what why how when where who whom following true false statement statements correct best
    describe describes according passage text section choose select option options answer question"""
_QUESTION_WORDS = frozenset(stem(w) for w in _QUESTION_TEXT.split())
_CODE_KINDS = ("code_value", "code_line")


# Quantifiers and negations decide whether a statement is true, so they count as content words.
_MEANINGFUL_TEXT = "all any only some most few each no nor not both before after once never always"
_MEANINGFUL = frozenset(_MEANINGFUL_TEXT.split())
CONTENT_STOP = STOPWORDS - _MEANINGFUL
_TOKEN = re.compile(r"[a-z0-9_]+")
BLANK = "______"
_PROMPT_LINE = re.compile(r"^\s*(>>>|\.\.\.(\s|$)|\$ |C:\\>)")
_CODE_LINE = re.compile(
    r"^(def |class |import |from [\w.]+ import|@\w|#|return\b|raise\b|yield\b|try:|finally:|else:|"
    r"(if|elif|for|while|with|except|match|case)\b.*:\s*(#.*)?$|[\w.]+\(.*\)\s*(#.*)?$|.*:noindex:)"
)
_ASSIGNMENT = re.compile(r"^[A-Za-z_][\w.]*(\[[^\]]*\])?(\s*,\s*[A-Za-z_]\w*)*\s*[-+*/%|&]?=[^=]")
# Five plain words in a row are prose, even on a line that starts like a call ("f.read() reads ...").
_WORD_RUN = re.compile(r"(\b[a-z]+\b[ ,]+){5}")
_STRING = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_SYMBOLS = re.compile(r"[()\[\]{}=<>;#*\\|`@$^~]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(\b(e\.g|i\.e|etc|vs|cf|approx|Fig|No)\.|\b[A-Z]\.)$")


def code_line(line: str) -> bool:
    """Whether one line of a passage looks like code rather than prose."""
    stripped = line.strip()
    if not stripped:
        return False
    if _PROMPT_LINE.match(line) or line[:1] in " \t" or stripped.startswith("#"):
        return True
    if _WORD_RUN.search(_STRING.sub("''", stripped.split("#")[0])):
        return False
    if _CODE_LINE.match(stripped) or _ASSIGNMENT.match(stripped):
        return True
    if not re.search(r"[A-Za-z]{2}", stripped):
        return True
    symbols = len(_SYMBOLS.findall(stripped))
    return symbols >= 3 and symbols / len(stripped) > 0.06


def _code_paragraph(lines: list[str]) -> bool:
    if any(_PROMPT_LINE.match(line) for line in lines):
        return True
    flags = [code_line(line) for line in lines]
    return flags[0] or sum(flags) * 2 >= len(flags)


def _split_sentences(paragraph: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        if _ABBREVIATION.search(paragraph[start : match.start()]):
            continue
        out.append(paragraph[start : match.start()].strip())
        start = match.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


@dataclass(frozen=True)
class Passage:
    """A passage read for question writing.

    Attributes:
        sentences: Prose sentences, each on one line (wrapped lines joined).
        code: Code lines (listings, signatures, the input lines of interpreter sessions), as written.
        output: The output lines of interpreter sessions.
        headings: Lines that stand alone as titles.
    """

    sentences: tuple[str, ...]
    code: tuple[str, ...]
    output: tuple[str, ...]
    headings: tuple[str, ...]


@lru_cache(maxsize=8192)
def read_passage(text: str) -> Passage:
    """Split a passage into prose sentences, code lines and heading lines."""
    sentences: list[str] = []
    code: list[str] = []
    output: list[str] = []
    headings: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if _code_paragraph(lines):
            session = any(_PROMPT_LINE.match(line) for line in lines)
            for line in lines:
                (code if not session or _PROMPT_LINE.match(line) else output).append(line)
            continue
        paragraph = " ".join(line.strip() for line in lines)
        if len(lines) == 1 and not re.search(r"[.!?:;,]$", paragraph) and len(paragraph.split()) <= 12:
            headings.append(paragraph)
            continue
        sentences.extend(_split_sentences(paragraph))
    return Passage(tuple(sentences), tuple(code), tuple(output), tuple(headings))


def normal(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces (punctuation dropped)."""
    return " ".join(_TOKEN.findall(normalize(text)))


def content(text: str) -> frozenset[str]:
    """Stemmed content words of a text, keeping the negations and quantifiers that decide its truth."""
    text = re.sub(r"n't\b", " not", normalize(text)).replace("cannot", "can not")
    return frozenset(stem(w) for w in _TOKEN.findall(text) if w not in CONTENT_STOP)


def stable_hash(*parts: str) -> int:
    """A hash that is the same in every process (Python's own ``hash`` of a string is salted)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def question_text(prompt: str, answer: str | None = None) -> str:
    """What a question asks, for comparing questions: a cloze with its answer filled in, otherwise the
    prompt without its generic frame ("Which statement about ... is true?") and with only the asked
    part of its code, followed by the answer."""
    template = cloze_template(prompt)
    if template is not None:
        return fill(template, answer) if answer is not None else template
    if _FENCE.search(prompt):
        # A code question's prose is a frame ("What does Python show ...?") but for the names it quotes.
        named = [n for n in re.findall(r"`([^`\n]+)`", _FENCE.sub(" ", prompt)) if n != ">>>"]
        asked = "\n".join([*named, *(_asked_code(m.group(0)) for m in _FENCE.finditer(prompt))])
    else:
        asked = _FRAME.sub(" ", prompt).strip()
    return f"{asked}\n{answer}".strip() if answer is not None else asked


def _asked_code(fence: str) -> str:
    """The part of a code block a question asks about: its last interpreter input (with its continuation
    lines), or the whole listing when it is no interpreter session. Shared setup lines say nothing."""
    lines = [line for line in fence.strip("`").splitlines() if line.strip() and line.strip() != "python"]
    starts = [i for i, line in enumerate(lines) if line.startswith(">>>")]
    return "\n".join(lines[starts[-1] :] if starts else lines)


def cloze_template(prompt: str) -> str | None:
    """The sentence of a cloze prompt with its blank (quote marks stripped), or None unless exactly one blank."""
    if len(_BLANK.findall(prompt)) != 1:
        return None
    line = next(line for line in prompt.splitlines() if _BLANK.search(line))
    return line.strip().lstrip(">").strip()


def fill(template: str, choice: str) -> str:
    """The cloze sentence with ``choice`` in its blank."""
    return _BLANK.sub(lambda _: choice, template, count=1)


def _in_passage(text: str, passage: str) -> bool:
    key = normal(text)
    return bool(key) and f" {key} " in f" {normal(passage)} "


def _sentences(passage: str) -> list[str]:
    return list(read_passage(passage).sentences)


def passage_states(text: str, passage: str) -> bool:
    """Whether the passage says ``text``: verbatim, or with all its content words in one sentence.

    A text that differs from a passage sentence only in small words (articles, prepositions, word
    order) has all its content words in it; one with a negation or a changed term or number does not.
    """
    if _in_passage(text, passage):
        return True
    words = content(text)
    return len(words) >= 2 and any(words <= content(sentence) for sentence in _sentences(passage))


def _key_words(prompt: str) -> frozenset[str]:
    return content(_FENCE.sub(" ", prompt).replace("_", " ")) - _QUESTION_WORDS


def _explains(choice: str, prompt: str, passage: str, support: str) -> bool:
    """Whether one passage sentence holds the choice's words with the question's key words.

    The choice's content words that the question does not already state must all be in the sentence,
    and so must 60% of the question's key words (at least one): a sentence that merely mentions the
    choice's words on another topic does not count.
    """
    question = _key_words(prompt)
    needed = content(choice) - question
    if not needed:
        return False
    sentences = _sentences(support) if support else _sentences(passage)
    windows = [content(s) for s in sentences]
    quorum = max(1, math.ceil(0.6 * len(question)))
    return any(needed <= words and len(question & words) >= quorum for words in windows)


def answer_supported(candidate: Candidate) -> bool:
    """Whether the source passage makes the correct choice right.

    Computed answers (``code_value``, ``code_line``) are supported by evaluation. Otherwise a given
    ``support`` must be in the passage, and: for a cloze the sentence with the answer filled in is in
    the passage; for a true statement the answer is a passage sentence; for an LLM question one
    passage sentence (of the support, when given) holds the answer's words with the question's key words.
    """
    if candidate.kind in _CODE_KINDS:
        return True
    passage = candidate.chunk.text
    if candidate.support and not all(_in_passage(s, passage) for s in _sentences(candidate.support) or [""]):
        return False
    answer = candidate.choices[candidate.answer]
    if candidate.kind == "cloze":
        template = cloze_template(candidate.prompt)
        return template is not None and _in_passage(fill(template, answer), passage)
    if candidate.kind == "true_statement":
        return _in_passage(answer, passage)
    return _explains(answer, candidate.prompt, passage, candidate.support)


def distractor_supported(candidate: Candidate) -> bool:
    """Whether the passage makes some wrong choice right as well (computed answers: never)."""
    if candidate.kind in _CODE_KINDS:
        return False
    passage = candidate.chunk.text
    wrong = [c for i, c in enumerate(candidate.choices) if i != candidate.answer]
    if candidate.kind == "cloze":
        template = cloze_template(candidate.prompt)
        return template is None or any(passage_states(fill(template, c), passage) for c in wrong)
    if candidate.kind == "true_statement":
        return any(passage_states(c, passage) for c in wrong)
    return any(_explains(c, candidate.prompt, passage, "") for c in wrong)


def _looks_like_code(choice: str) -> bool:
    """A code choice: marked as code, a line of code, or one token with code punctuation ("len(x)", "sys.argv")."""
    text = choice.strip()
    if " " not in text:
        return bool(re.search(r"[()\[\]{}=<>._`]", text.rstrip(".")))
    return "`" in text or code_line(text)


def _shape_problem(candidate: Candidate) -> str | None:
    choices = candidate.choices
    if candidate.kind not in KINDS or not candidate.prompt.strip():
        return "bad_shape"
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES or not 0 <= candidate.answer < len(choices):
        return "bad_shape"
    if any(not c.strip() or len(c) > 1000 for c in choices):
        return "bad_shape"
    if candidate.kind == "cloze" and cloze_template(candidate.prompt) is None:
        return "bad_shape"
    computed = candidate.kind in _CODE_KINDS
    # Values differ by their punctuation ("[1, 2]" and "(1, 2)"); prose choices by their words only.
    folded = [" ".join(c.split()) if computed else " ".join(stem(w) for w in normal(c).split()) for c in choices]
    if len(set(folded)) != len(folded):
        return "choices_not_distinct"
    if not computed and len({_looks_like_code(c) for c in choices}) > 1:
        return "choices_uneven"
    lengths = [len(c.strip()) + LENGTH_SLACK for c in choices]
    if max(lengths) > UNEVEN_RATIO * min(lengths):
        return "choices_uneven"
    return None


def answer_in_prompt(candidate: Candidate) -> bool:
    """Whether the prompt's prose (fenced code aside) already contains the correct choice."""
    prose = " ".join(stem(w) for w in normal(_FENCE.sub(" ", candidate.prompt)).split())
    answer = " ".join(stem(w) for w in normal(candidate.choices[candidate.answer]).split())
    return bool(answer) and f" {answer} " in f" {prose} "


class QualityGate:
    """Checks candidates one by one and remembers the ones it keeps, so later near-duplicates are dropped.

    Args:
        embed: Texts to an ``(n, dim)`` array of unit vectors (the course's embedder).
        existing: ``(prompt, correct choice)`` of the course's questions and drafts already there (the
            choice may be None when unknown).
        duplicate_threshold: Cosine from which a question is a near-duplicate (see :data:`DUPLICATE_THRESHOLD`).
        leads_to_source: Whether a search of the course for the candidate's prompt finds its passage
            (``not_retrievable`` otherwise). A prompt that does not lead to its passage is scoped wider
            than the passage ("Which statement about Classes is true?" over a chapter of twenty
            passages), so a distractor may be true elsewhere in that scope.
    """

    def __init__(
        self,
        embed: Callable[[Sequence[str]], np.ndarray],
        existing: Sequence[tuple[str, str | None]] = (),
        duplicate_threshold: float = DUPLICATE_THRESHOLD,
        leads_to_source: Callable[[Candidate], bool] | None = None,
    ) -> None:
        """Create a gate for one course."""
        self._embed = embed
        self._leads_to_source = leads_to_source
        self._threshold = duplicate_threshold
        self._existing = list(existing)
        self._existing_vectors: np.ndarray | None = None
        self._kept_vectors: list[np.ndarray] = []
        self.kept: list[Candidate] = []

    def _duplicate(self, candidate: Candidate) -> bool:
        """Whether the question is too close to an existing or kept one (else it is remembered)."""
        vector = np.asarray(self._embed([question_text(candidate.prompt, candidate.choices[candidate.answer])]))[0]
        if self._existing_vectors is None:
            texts = [t for t in (question_text(prompt, answer) for prompt, answer in self._existing) if t]
            self._existing_vectors = np.asarray(self._embed(texts), dtype=np.float32) if texts else np.zeros((0, 1))
        for known in (self._existing_vectors, np.asarray(self._kept_vectors)):
            if len(known) and float(np.max(known @ vector)) >= self._threshold:
                return True
        self._kept_vectors.append(vector)
        return False

    def check(self, candidate: Candidate) -> str | None:
        """None to keep the candidate (it is then remembered), else the reason it is dropped."""
        problem = _shape_problem(candidate)
        if problem:
            return problem
        if answer_in_prompt(candidate):
            return "answer_in_prompt"
        if not answer_supported(candidate):
            return "answer_unsupported"
        if distractor_supported(candidate):
            return "distractor_supported"
        if self._leads_to_source is not None and not self._leads_to_source(candidate):
            return "not_retrievable"
        if self._duplicate(candidate):
            return "duplicate"
        self.kept.append(candidate)
        return None
