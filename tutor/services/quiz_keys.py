"""Which answer keys a student may see under a course's quiz policy, and the result they are shown."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.schemas.quiz import QuizPolicy

KEY_FIELDS = ("correct_answer", "explanation")


def attempts_used(progress: Document | None, lesson_id: str) -> int:
    """Quiz submissions the student has made for ``lesson_id`` (from the progress document)."""
    entry = ((progress or {}).get("quiz_scores") or {}).get(lesson_id) or {}
    return int(entry.get("attempts", 0))


def keys_to_reveal(policy: QuizPolicy, results: list[dict[str, Any]], used: int) -> set[str]:
    """Ids of the questions whose key and explanation the graded result may show.

    Args:
        policy: The course's quiz policy.
        results: The graded questions (``question_id``, ``answered``).
        used: Submissions made including this one.
    """
    if policy.reveal == "never":
        return set()
    if policy.reveal == "after_last_attempt":
        last = policy.max_attempts is not None and used >= policy.max_attempts
        return {r["question_id"] for r in results} if last else set()
    return {r["question_id"] for r in results if r["answered"]}


def practice_shows_key(policy: QuizPolicy, used: int) -> bool:
    """Whether chat practice may use (and, after grading, reveal) a question of a quiz.

    Practice always shows the key after grading, so it may only draw questions whose key the
    quiz policy would let this student see: never under ``never``, and under
    ``after_last_attempt`` only once the student has used every attempt at that quiz.
    """
    if policy.reveal == "never":
        return False
    if policy.reveal == "after_last_attempt":
        return policy.max_attempts is not None and used >= policy.max_attempts
    return True


def student_result(graded: dict[str, Any], revealed: set[str], policy: QuizPolicy, used: int) -> dict[str, Any]:
    """The graded result as the student sees it: keys only for ``revealed`` questions, plus attempt counts."""
    results = []
    for r in graded["results"]:
        shown = r["question_id"] in revealed
        results.append({**{k: v for k, v in r.items() if shown or k not in KEY_FIELDS}, "revealed": shown})
    limit = policy.max_attempts
    return {
        **{k: graded[k] for k in ("score", "correct", "total")},
        "results": results,
        "attempts_used": used,
        "attempts_remaining": None if limit is None else max(limit - used, 0),
        "max_attempts": limit,
        "reveal": policy.reveal,
    }
