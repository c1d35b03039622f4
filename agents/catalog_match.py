"""Fuzzy matching of course names in free text against the catalogue (slot filling)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from tutor.text import content_words, words

MIN_SCORE = 0.6


@dataclass(frozen=True, slots=True)
class CourseMatch:
    """A catalogue course found in a piece of text.

    Attributes:
        course: The course summary dict (has ``id`` and ``title``).
        score: 1.0 for an exact id or title mention, less for partial/fuzzy matches.
    """

    course: dict[str, Any]
    score: float


def _token_hit(token: str, candidates: set[str]) -> float:
    if token in candidates:
        return 1.0
    # Tolerate typos ("pyhton", "machne") but not unrelated short words.
    if len(token) >= 4 and any(sorted(token) == sorted(c) for c in candidates):
        return 0.9
    # A shortened word names the whole one: "intro" for "introduction".
    if len(token) >= 4 and any(c.startswith(token) or (len(c) >= 4 and token.startswith(c)) for c in candidates):
        return 0.9
    best = max((SequenceMatcher(None, token, c).ratio() for c in candidates), default=0.0)
    return best if best >= 0.84 else 0.0


def score_course(text: str, course: dict[str, Any], shared: frozenset[str] = frozenset()) -> float:
    """How well ``text`` names ``course``, in [0, 1].

    ``shared`` are title words every course of the catalogue has ("python" in a Python catalogue):
    they name no course in particular, so a mention that leaves them out scores on the other words.
    """
    lowered = " ".join(words(text))
    course_id = str(course.get("id", "")).lower()
    title = str(course.get("title", ""))
    if course_id and re.search(rf"(?<![\w-]){re.escape(course_id)}(?![\w-])", text.lower()):
        return 1.0
    title_norm = " ".join(words(title))
    if title_norm and f" {title_norm} " in f" {lowered} ":
        return 1.0
    title_tokens = content_words(title)
    if not title_tokens:
        return 0.0
    text_tokens = set(content_words(text))
    hits = {t: _token_hit(t, text_tokens) for t in title_tokens}
    score = sum(hits.values()) / len(title_tokens)
    distinctive = [t for t in title_tokens if t not in shared]
    if distinctive and len(distinctive) < len(title_tokens):
        score = max(score, sum(hits[t] for t in distinctive) / len(distinctive))
    return score


def _shared_words(courses: Sequence[dict[str, Any]]) -> frozenset[str]:
    titles = [set(content_words(str(c.get("title", "")))) for c in courses]
    return frozenset(set.intersection(*titles)) if len(titles) > 1 else frozenset()


def search_courses(text: str, courses: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The courses ``text`` may name or describe, best first.

    A course is kept when its title shares a word with ``text`` (typos and shortened words count) or
    when ``text`` appears in its title, description or tags; ranked by how well ``text`` names it.
    """
    shared = _shared_words(courses)
    phrase = " ".join(words(text))
    ranked: list[tuple[float, int]] = []
    for index, course in enumerate(courses):
        score = score_course(text, course, shared)
        tags = course.get("tags")
        fields = [course.get("title"), course.get("description"), *(tags if isinstance(tags, list) else [])]
        mentioned = bool(phrase) and any(
            isinstance(field, str) and f" {phrase} " in f" {' '.join(words(field))} " for field in fields
        )
        if score > 0 or mentioned:
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
    shared = _shared_words(courses)
    scored = sorted(((score_course(text, c, shared), i) for i, c in enumerate(courses)), reverse=True)
    if not scored or scored[0][0] < MIN_SCORE:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0]:
        return None
    best_score, index = scored[0]
    return CourseMatch(course=dict(courses[index]), score=best_score)
