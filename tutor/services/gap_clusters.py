"""Grouping declined questions by meaning: paraphrases of one missing topic become one content gap.

Pure CPU work over stored question embeddings (run off the event loop). Average-linkage agglomerative
clustering on cosine similarity: two groups merge while their questions are, on average, at least
``SAME_TOPIC`` similar. Average linkage rather than single (which chains unrelated topics through one
ambiguous question) or complete (which splits paraphrases a single odd wording keeps apart); the
threshold was chosen on the dev split of ``bench/data/content_gap_questions.jsonl`` (``bench.content_gaps``
reports the held-out split). Each gap is listed from its most central question.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from tutor.text import CHAT_STOPWORDS, stem, words

# Mean cosine similarity (all-MiniLM-L6-v2) at which two groups of declined questions ask for the same thing.
SAME_TOPIC = 0.3
MAX_EXAMPLES = 5
MAX_LESSONS = 2
LABEL_WORDS = 3
# Words that phrase a question about anything ("how does X work", "explain Y"): never a gap's topic.
QUESTION_VERBS = frozenset(
    {
        "work",
        "works",
        "working",
        "worked",
        "make",
        "makes",
        "making",
        "build",
        "building",
        "use",
        "uses",
        "using",
        "used",
        "explain",
        "explained",
        "way",
        "ways",
        "example",
        "examples",
        "start",
        "started",
        "learn",
        "learning",
        "understand",
        "write",
        "writing",
        "create",
        "creating",
        "help",
        "thing",
        "things",
        "something",
        "stuff",
        "best",
        "good",
        "simple",
        "difference",
        "differences",
        "happen",
        "happens",
        "mean",
        "means",
        "possible",
    }
)


@dataclass(frozen=True, slots=True)
class GapQuestion:
    """One declined question: its text, unit embedding, and the lessons its search came closest to."""

    text: str
    vector: Sequence[float]
    lessons: Sequence[str]


@dataclass(frozen=True, slots=True)
class Gap:
    """A group of declined questions about one topic, with a short label."""

    label: str
    count: int
    example_questions: list[str]
    closest_lessons: list[str]


def group(vectors: np.ndarray, threshold: float = SAME_TOPIC) -> list[list[int]]:
    """Indices of ``vectors`` (unit rows) grouped by meaning, largest groups first, each from its most central."""
    n = len(vectors)
    if n < 2:
        return [[0]] if n else []
    similarity = np.clip(vectors @ vectors.T, -1.0, 1.0)
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.maximum(distance, 0.0), checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: list[list[int]] = []
    for label_ in np.unique(labels):
        members = np.flatnonzero(labels == label_)
        centrality = similarity[np.ix_(members, members)].sum(axis=1)
        groups.append([int(members[i]) for i in np.argsort(-centrality, kind="stable")])
    groups.sort(key=lambda g: (-len(g), g[0]))
    return groups


def _topic_words(text: str) -> dict[str, str]:
    """A question's topic words: {stem: the word as written}, without chat phrasing and question verbs."""
    out: dict[str, str] = {}
    for word in words(text):
        if word in CHAT_STOPWORDS or word in QUESTION_VERBS or len(word) < 3 or word.isdigit():
            continue
        out.setdefault(stem(word), word)
    return out


def label(texts: Sequence[str], rarity: Counter[str] | None = None) -> str:
    """The topic words most of the questions share, most common first, then the rarest across all gaps.

    Args:
        texts: The questions of one gap.
        rarity: How many of all declined questions use each stem (a word every gap shares says little).
    """
    df: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    order: dict[str, int] = {}
    for text in texts:
        topic = _topic_words(text)
        for key, word in topic.items():
            forms.setdefault(key, Counter())[word] += 1
            order.setdefault(key, len(order))
        df.update(topic.keys())
    if not df:
        return texts[0][:60] if texts else ""
    floor = max(1, len(texts) // 3)
    common = [key for key, count in df.items() if count >= floor]
    ranked = sorted(common, key=lambda k: (-df[k], (rarity or Counter())[k], order[k]))[:LABEL_WORDS]
    return " · ".join(forms[key].most_common(1)[0][0] for key in ranked)


def content_gaps(questions: Sequence[GapQuestion], threshold: float = SAME_TOPIC) -> list[Gap]:
    """The gaps among ``questions``, largest first."""
    if not questions:
        return []
    raw = np.asarray([q.vector for q in questions], dtype=np.float32)
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    vectors = (raw / np.where(norms == 0, 1, norms)).astype(np.float32)
    rarity: Counter[str] = Counter(key for q in questions for key in _topic_words(q.text))
    gaps = []
    for members in group(vectors, threshold):
        texts = [questions[i].text for i in members]
        examples: dict[str, str] = {}
        for text in texts:  # the centre first, each question once (its first spelling)
            examples.setdefault(text.strip().lower(), text.strip())
        lessons = Counter(lesson for i in members for lesson in questions[i].lessons)
        gaps.append(
            Gap(
                label(texts, rarity),
                len(members),
                list(examples.values())[:MAX_EXAMPLES],
                [name for name, _ in lessons.most_common(MAX_LESSONS)],
            )
        )
    return gaps
