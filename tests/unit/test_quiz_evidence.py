"""Which quiz attempts count as knowledge-tracing evidence once a question's key has been shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tutor.schemas.quiz import QuizPolicy
from tutor.services.quiz_evidence import evidence, reveal_records
from tutor.services.quiz_keys import keys_to_reveal, practice_shows_key, student_result

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _attempt(question: str, minute: int, submission: str) -> dict[str, Any]:
    return {
        "lesson_id": "l1",
        "question_id": question,
        "submission_id": submission,
        "answered_at": T0 + timedelta(minutes=minute),
    }


def test_attempts_after_the_first_reveal_are_excluded_and_the_revealing_one_is_kept() -> None:
    attempts = [
        _attempt("q1", 0, "s0"),
        _attempt("q1", 1, "s1"),  # this submission showed q1's key, at minute 1
        _attempt("q2", 1, "s1"),  # unanswered in s1: its key was not shown
        _attempt("q1", 1, "s2"),  # same millisecond as the reveal, but another submission: after it
        _attempt("q1", 2, "s3"),
        _attempt("q2", 2, "s3"),
    ]
    revealed = [
        *reveal_records("l1", ["q1"], "s3", T0 + timedelta(minutes=2), "quiz"),  # a later, duplicate reveal
        *reveal_records("l1", ["q1"], "s1", T0 + timedelta(minutes=1), "quiz"),
    ]
    kept = [(a["question_id"], a["submission_id"]) for a in evidence(attempts, revealed)]
    assert kept == [("q1", "s0"), ("q1", "s1"), ("q2", "s1"), ("q2", "s3")]
    assert evidence(attempts, None) == attempts


def test_keys_shown_under_each_policy() -> None:
    results = [{"question_id": "q1", "answered": True}, {"question_id": "q2", "answered": False}]
    assert keys_to_reveal(QuizPolicy(), results, used=7) == {"q1"}
    last = QuizPolicy(max_attempts=2, reveal="after_last_attempt")
    assert keys_to_reveal(last, results, used=1) == set()
    assert keys_to_reveal(last, results, used=2) == {"q1", "q2"}
    assert keys_to_reveal(QuizPolicy(max_attempts=1, reveal="never"), results, used=1) == set()
    assert practice_shows_key(QuizPolicy(), 0) and not practice_shows_key(QuizPolicy(reveal="never"), 9)
    assert not practice_shows_key(last, 1) and practice_shows_key(last, 2)


def test_the_student_result_carries_keys_only_for_revealed_questions() -> None:
    first = {"question_id": "q1", "correct": True, "correct_answer": 1, "explanation": "one"}
    second = {"question_id": "q2", "correct": False, "correct_answer": 0, "explanation": "two"}
    graded = {"score": 50.0, "correct": 1, "total": 2, "results": [first, second]}
    out = student_result(graded, {"q1"}, QuizPolicy(max_attempts=3), used=1)
    assert out["results"][0] == {**first, "revealed": True}
    assert out["results"][1] == {"question_id": "q2", "correct": False, "revealed": False}
    assert (out["attempts_used"], out["attempts_remaining"], out["max_attempts"]) == (1, 2, 3)
