"""Choosing one practice question from a course's quiz bank for a topic and a learner."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tutor.db import Document
from tutor.text import stem, words

UNSEEN_MASTERY = 0.5  # a skill with no evidence yet ranks between weak and mastered ones
_MIN_PREFIX = 4  # "dict" matches "dictionaries", but "for" does not match "format"
# Words of a request that name no topic ("quiz me on ...").
# fmt: off
_FILLER = frozenset({
    "a", "an", "and", "or", "the", "me", "my", "i", "on", "in", "of", "about", "for", "with", "to", "some",
    "any", "another", "more", "new", "next", "one", "please", "quiz", "test", "ask", "practice", "practise",
    "question", "questions", "exercise", "exercises", "give", "let", "us", "can", "could", "you", "do", "how",
    "what", "is", "are", "course", "lesson", "lessons", "topic", "topics", "again", "something",
})
# fmt: on


@dataclass(frozen=True, slots=True)
class Candidate:
    """One quiz question with where it lives.

    Attributes:
        course: The course document.
        lesson: The lesson holding the question.
        question: The stored question (with its answer key; never returned as is).
        position: Index of the question in its lesson's quiz.
        order: Index in the whole pool, the last tie-breaker (course order).
    """

    course: Document
    lesson: Document
    question: Document
    position: int
    order: int

    @property
    def skills(self) -> list[str]:
        """Skills the question tests."""
        return [str(s) for s in self.question.get("skills", [])]


def question_pool(courses: Iterable[Document]) -> list[Candidate]:
    """Every quiz question of ``courses``, in course order."""
    pool: list[Candidate] = []
    for course in courses:
        for module in course.get("modules", []):
            for lesson in module.get("lessons", []):
                for position, question in enumerate((lesson.get("quiz") or {}).get("questions", [])):
                    pool.append(Candidate(course, lesson, question, position, len(pool)))
    return pool


def topic_words(topic: str | None) -> set[str]:
    """The content words of a topic request ("quiz me on for loops" → ``{"loop"}``)."""
    return {stem(word) for word in words(topic or "") if word not in _FILLER and len(word) > 1}


def match_topic(pool: Sequence[Candidate], words: set[str]) -> dict[int, list[str]]:
    """Questions whose skills or lesson title best match ``words``: ``order`` → matching skills.

    Only the best-scoring questions are kept, so "python loops" prefers loop questions over every
    question of a course whose skills all start with ``python.``, and a question whose own skill
    matches beats one that only sits in a matching lesson ("quiz me on strings" asks about strings,
    not about ``7 // 2`` from "Working with Numbers and Strings").
    """
    if not words:
        return {}
    scored: dict[int, tuple[tuple[int, int], list[str]]] = {}
    for cand in pool:
        hit_skills = [s for s in cand.skills if _overlap(words, _words(s))]
        own = set().union(*(_words(skill) for skill in cand.skills)) if cand.skills else set()
        vocabulary = own | _words(str(cand.lesson.get("title", "")))
        score = (_overlap(words, own), _overlap(words, vocabulary))
        if score[1]:
            scored[cand.order] = (score, hit_skills)
    if not scored:
        return {}
    best = max(score for score, _ in scored.values())
    return {order: skills for order, (score, skills) in scored.items() if score == best}


def weakness(progress: Document | None) -> dict[str, float]:
    """A rank per skill from the learner model's output (lower = weaker): weak areas come first."""
    if progress is None:
        return {}
    ranks = {
        str(skill): float(info.get("p", UNSEEN_MASTERY)) for skill, info in (progress.get("mastery") or {}).items()
    }
    for area in progress.get("weak_areas") or []:
        ranks[str(area["skill"])] = float(area.get("mastery", ranks.get(area["skill"], UNSEEN_MASTERY))) - 1.0
    return ranks


def choose(
    pool: Sequence[Candidate],
    focus: Mapping[int, list[str]],
    ranks: Mapping[str, Mapping[str, float]],
    recent: Sequence[str],
) -> tuple[Candidate, str | None]:
    """The question to ask and the skill it practises.

    Questions not among ``recent`` (newest first) come first; then the weakest skill (among the
    skills that matched the topic, else all of the question's skills); then course order. When
    every candidate was seen recently, the one seen longest ago is asked again.
    """
    seen = {qid: index for index, qid in enumerate(recent)}

    def key(cand: Candidate) -> tuple[int, int, float, int]:
        skill = _weakest(cand, focus, ranks)
        rank = ranks.get(str(cand.course["_id"]), {}).get(skill, UNSEEN_MASTERY) if skill else UNSEEN_MASTERY
        index = seen.get(str(cand.question["id"]))
        return (0 if index is None else 1, 0 if index is None else -index, rank, cand.order)

    best = min(pool, key=key)
    return best, _weakest(best, focus, ranks)


def _weakest(cand: Candidate, focus: Mapping[int, list[str]], ranks: Mapping[str, Mapping[str, float]]) -> str | None:
    skills = focus.get(cand.order) or cand.skills
    own = ranks.get(str(cand.course["_id"]), {})
    return min(skills, key=lambda s: own.get(s, UNSEEN_MASTERY)) if skills else None


def _words(text: str) -> set[str]:
    return {stem(word) for word in words(text) if word not in _FILLER}


def _overlap(wanted: set[str], have: set[str]) -> int:
    return sum(1 for w in wanted if any(_same(w, h) for h in have))


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= _MIN_PREFIX and long.startswith(short)
