"""Grading a quiz submission against the stored key, and the attempt documents it produces."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.errors import InvalidInput
from tutor.schemas.common import new_id, utcnow
from tutor.schemas.progress import AnswerValue


def grade(lesson: Document, answers: dict[str, AnswerValue]) -> dict[str, Any]:
    """Grade ``answers`` against the lesson's stored key; unanswered questions count as wrong.

    The result holds every question's key (``correct_answer``, ``explanation``): it is internal,
    and :func:`tutor.services.quiz_keys.student_result` decides what the student sees.

    Raises:
        InvalidInput: The lesson has no quiz, an answer names a question not in it, or an answer
            is not one of its question's choices. Nothing has been written when this is raised.
    """
    questions = (lesson.get("quiz") or {}).get("questions", [])
    if not questions:
        raise InvalidInput("this lesson has no quiz")
    known = {q["id"] for q in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InvalidInput("answers name questions that are not in this quiz", details={"unknown": unknown})
    results = []
    for position, question in enumerate(questions):
        given = answers.get(question["id"])
        chosen = _choice_index(question, given)
        results.append(
            {
                "question_id": question["id"],
                "position": position,
                "answered": given is not None,
                "given": chosen,
                "correct": chosen == question["answer"],
                "correct_answer": question["answer"],
                "explanation": question.get("explanation", ""),
                "skills": question.get("skills", []),
            }
        )
    correct = sum(r["correct"] for r in results)
    return {
        "score": round(100.0 * correct / len(results), 2),
        "correct": correct,
        "total": len(results),
        "results": results,
    }


def _choice_index(question: Document, given: AnswerValue | None) -> int | None:
    if given is None:
        return None
    if isinstance(given, int):
        if not 0 <= given < len(question["choices"]):
            raise InvalidInput(f"answer to {question['id']} is not one of its choices")
        return given
    try:
        return int(question["choices"].index(given))
    except ValueError as exc:
        raise InvalidInput(f"answer to {question['id']} is not one of its choices") from exc


def attempt_docs(user_id: str, course_id: str, lesson_id: str, results: list[dict[str, Any]]) -> list[Document]:
    """One ``quiz_attempts`` document per graded question, all sharing one ``submission_id``."""
    now = utcnow()
    submission = new_id()
    return [
        {
            "_id": new_id(),
            "submission_id": submission,
            "user_id": user_id,
            "course_id": course_id,
            "lesson_id": lesson_id,
            "question_id": r["question_id"],
            "position": r["position"],
            "skills": r["skills"],
            "correct": r["correct"],
            "answered": r["answered"],
            "answered_at": now,
        }
        for r in results
    ]
