"""Fuzzy matching of course names in free text against the catalogue (slot filling)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from tutor.text import content_words, stem, words

MIN_SCORE = 0.6
FUZZY = 0.84  # least similarity of a misspelt word to the title word it stands for
# Words of a request to enroll that name no course in particular ("sign me up for a course").
_REQUEST_WORDS = frozenset(stem(w) for w in ("enroll", "enrol", "register", "sign", "course", "class", "module"))


@dataclass(frozen=True, slots=True)
class CourseMatch:
    """A catalogue course found in a piece of text.

    Attributes:
        course: The course summary dict (has ``id`` and ``title``).
        score: 1.0 for an exact id or title mention, less for partial/fuzzy matches.
    """

    course: dict[str, Any]
    score: float


@dataclass(frozen=True, slots=True)
class _Text:
    """A piece of text analysed once for matching against every course."""

    lowered: str
    phrase: str  # its words, space-separated and padded: " intro to python "
    tokens: frozenset[str]
    hits: dict[str, float] = field(default_factory=dict)  # title word -> how well the text has it

    @classmethod
    def of(cls, text: str) -> _Text:
        return cls(text.lower(), f" {' '.join(words(text))} ", frozenset(content_words(text)))

    def hit(self, token: str) -> float:
        """How well the text has the title word ``token`` (title words repeat across the catalogue)."""
        found = self.hits.get(token)
        if found is None:
            found = self.hits[token] = _token_hit(token, self.tokens)
        return found


@lru_cache(maxsize=4096)
def _title(title: str) -> tuple[str, tuple[str, ...]]:
    """(padded words, content words) of a course title: titles repeat from turn to turn."""
    return f" {' '.join(words(title))} ", tuple(content_words(title))


def _token_hit(token: str, candidates: frozenset[str]) -> float:
    if token in candidates:
        return 1.0
    if token.isdigit():  # "101" is never a typo of "102"
        return 0.0
    # Tolerate typos ("pyhton", "machne") but not unrelated short words.
    if len(token) >= 4 and any(sorted(token) == sorted(c) for c in candidates):
        return 0.9
    # A shortened word names the whole one: "intro" for "introduction".
    if len(token) >= 4 and any(c.startswith(token) or (len(c) >= 4 and token.startswith(c)) for c in candidates):
        return 0.9
    best = 0.0
    matcher = SequenceMatcher(None, "", token)  # the token's index is built once for every candidate
    for candidate in candidates:
        if 2 * min(len(candidate), len(token)) < FUZZY * (len(candidate) + len(token)):
            continue  # lengths too far apart for the ratio to reach FUZZY
        matcher.set_seq1(candidate)
        if matcher.quick_ratio() >= FUZZY:  # an upper bound, cheaper than the ratio
            best = max(best, matcher.ratio())
    return best if best >= FUZZY else 0.0


def _named_by_id(text: _Text, course: dict[str, Any]) -> bool:
    course_id = str(course.get("id", "")).lower()
    if not course_id or course_id not in text.lowered:
        return False
    return re.search(rf"(?<![\w-]){re.escape(course_id)}(?![\w-])", text.lowered) is not None


def _score(text: _Text, course: dict[str, Any], shared: frozenset[str]) -> tuple[float, float]:
    """(score, whole-title score): the first leaves out title words every course shares, the second
    breaks its ties ("data visualization" names "Python Data Visualization" over "Python Data")."""
    if _named_by_id(text, course):
        return 1.0, 1.0
    title_phrase, title_tokens = _title(str(course.get("title") or ""))
    if title_phrase.strip() and title_phrase in text.phrase:
        return 1.0, 1.0
    if not title_tokens:
        return 0.0, 0.0
    hits = {t: text.hit(t) for t in title_tokens}
    whole = sum(hits.values()) / len(title_tokens)
    score = whole
    distinctive = [t for t in title_tokens if t not in shared]
    if distinctive and len(distinctive) < len(title_tokens):
        score = max(score, sum(hits[t] for t in distinctive) / len(distinctive))
    return score, whole


def score_course(text: str, course: dict[str, Any], shared: frozenset[str] = frozenset()) -> float:
    """How well ``text`` names ``course``, in [0, 1].

    ``shared`` are title words every course of the catalogue has ("python" in a Python catalogue):
    they name no course in particular, so a mention that leaves them out scores on the other words.
    """
    return _score(_Text.of(text), course, shared)[0]


def names_course(text: str, course: dict[str, Any], catalogue: Sequence[dict[str, Any]]) -> bool:
    """Whether ``text`` names ``course`` (at least ``MIN_SCORE``) and no course of ``catalogue`` better
    (CPU work over the whole catalogue: call it off the event loop). A course ``text`` names only as
    well as another is still named ("enroll me in Python Data and Python Web" names both)."""
    query = _Text.of(text)
    shared = shared_title_words(catalogue)
    own = _score(query, course, shared)
    if own[0] < MIN_SCORE:
        return False
    return all(_score(query, other, shared) <= own for other in catalogue if other.get("id") != course.get("id"))


def shared_title_words(courses: Sequence[dict[str, Any]]) -> frozenset[str]:
    """Title words every course of the catalogue has (they name no course in particular)."""
    titles = [set(_title(str(c.get("title") or ""))[1]) for c in courses]
    return frozenset(set.intersection(*titles)) if len(titles) > 1 else frozenset()


@lru_cache(maxsize=4096)
def _padded(text: str) -> str:
    return f" {' '.join(words(text))} "


def _mentioned(text: _Text, course: dict[str, Any]) -> bool:
    """Whether the text's words appear together in the course's description or tags."""
    if not text.phrase.strip():
        return False
    tags = course.get("tags")
    fields = [course.get("description"), *(tags if isinstance(tags, list) else [])]
    return any(isinstance(value, str) and text.phrase in _padded(value) for value in fields)


def search_courses(text: str, courses: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The courses ``text`` may name or describe, best first (CPU work: call it off the event loop).

    A course is kept when its title shares a word with ``text`` other than the words of a request to
    enroll (typos and shortened words count), or when ``text`` appears in its title, description or
    tags; ranked by how well ``text`` names it.
    """
    query = _Text.of(text)
    topic = _Text.of(" ".join(w for w in words(text) if stem(w) not in _REQUEST_WORDS))
    shared = shared_title_words(courses)
    ranked: list[tuple[tuple[float, float], int]] = []
    for index, course in enumerate(courses):
        _, title_tokens = _title(str(course.get("title") or ""))
        score = _score(query, course, shared)  # (1.0, 1.0): named by its id or whole title
        related = any(topic.hit(t) > 0 for t in title_tokens if t not in _REQUEST_WORDS)
        if related or score[0] >= 1.0 or _mentioned(query, course):
            ranked.append((score, -index))
    ranked.sort(reverse=True)
    return [courses[-index] for _, index in ranked]


def match_course(text: str, courses: Sequence[dict[str, Any]]) -> CourseMatch | None:
    """The course ``text`` names, if one stands out.

    Args:
        text: Student message (or a model-supplied course reference such as a title).
        courses: Catalogue entries with ``id`` and ``title``.

    Returns:
        The best match scoring at least ``MIN_SCORE`` and strictly better than the runner-up, else None.
    """
    query = _Text.of(text)
    shared = shared_title_words(courses)
    scored = sorted(((_score(query, c, shared), i) for i, c in enumerate(courses)), reverse=True)
    if not scored or scored[0][0][0] < MIN_SCORE:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0]:
        return None
    (best_score, _), index = scored[0]
    return CourseMatch(course=dict(courses[index]), score=best_score)


def find_courses(
    text: str, courses: Sequence[dict[str, Any]], catalogue: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], CourseMatch | None]:
    """:func:`search_courses` of ``text`` over ``courses`` (the catalogue, or part of it), and the course
    it names as :func:`match_course` judges it over the whole ``catalogue`` (None unless it is among
    ``courses``): within a part alone, title words every course shares ("Python") no longer look shared."""
    match = match_course(text, catalogue)
    if match is not None and all(c.get("id") != match.course.get("id") for c in courses):
        match = None
    return search_courses(text, courses), match
