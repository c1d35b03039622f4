"""Lesson completion and server-side quiz grading."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tutor.db import Document
from tutor.errors import InvalidInput, NotFound
from tutor.models.common import new_id, utcnow
from tutor.models.progress import AnswerValue, ProgressUpdateIn
from tutor.repositories.courses import CourseRepository
from tutor.repositories.progress import ProgressRepository, QuizAttemptRepository
from tutor.services.course_tree import find_lesson
from tutor.services.enrollment import EnrollmentService
from tutor.services.labels import CourseLabels, load_labels
from tutor.services.principal import Principal
from tutor.services.views import iter_lessons, progress_view

QuizHook = Callable[[str, str], Awaitable[None]]


class ProgressService:
    """Progress of the calling student; every write is one atomic update."""

    def __init__(
        self,
        progress: ProgressRepository,
        attempts: QuizAttemptRepository,
        courses: CourseRepository,
        enrollment: EnrollmentService,
        on_quiz_submitted: QuizHook | None = None,
    ) -> None:
        self.progress = progress
        self.attempts = attempts
        self.courses = courses
        self.enrollment = enrollment
        self.on_quiz_submitted = on_quiz_submitted

    async def update(self, principal: Principal, data: ProgressUpdateIn) -> dict[str, Any]:
        """Complete a lesson and/or grade its quiz, then return the progress document."""
        course = await self.courses.get(data.course_id)
        if course is None:
            raise NotFound(f"course {data.course_id} not found")
        await self.enrollment.require_enrolled(principal, data.course_id)
        lesson = find_lesson(course, data.lesson_id)
        if lesson is None:
            raise NotFound(f"lesson {data.lesson_id} not found in this course")
        result = None
        if data.quiz_answers is not None:
            result = grade(lesson, data.quiz_answers)
            await self.attempts.add_many(
                attempt_docs(principal.user_id, data.course_id, data.lesson_id, result["results"])
            )
        await self.progress.create_if_missing(principal.user_id, data.course_id)
        doc = await self.progress.apply(
            principal.user_id,
            data.course_id,
            completed_lesson=data.lesson_id if data.completed else None,
            time_spent=data.time_spent or 0,
            quiz=(data.lesson_id, result["score"]) if result else None,
        )
        if doc is None:
            raise NotFound("progress not found")
        doc = await self._refresh_percentage(doc, course)
        if result is not None and self.on_quiz_submitted is not None:
            await self.on_quiz_submitted(principal.user_id, data.course_id)
        out = progress_view(doc, CourseLabels.from_courses([course]))
        if result is not None:
            out["quiz_result"] = result
        return out

    async def mine(self, principal: Principal) -> list[dict[str, Any]]:
        """All of the caller's progress documents, with course, lesson and skill names."""
        docs = await self.progress.of_user(principal.user_id)
        labels = await load_labels(self.courses, [doc["course_id"] for doc in docs])
        return [progress_view(doc, labels) for doc in docs]

    async def mine_in(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """The caller's progress in one course."""
        doc = await self.progress.find_one(principal.user_id, course_id)
        if doc is None:
            raise NotFound("no progress in this course; enroll first")
        return progress_view(doc, await load_labels(self.courses, [course_id]))

    async def _refresh_percentage(self, doc: Document, course: Document) -> Document:
        lesson_ids = {lesson["id"] for lesson in iter_lessons(course)}
        done = len(set(doc.get("completed_lessons", [])) & lesson_ids)
        percentage = round(100.0 * done / len(lesson_ids), 2) if lesson_ids else 0.0
        completion = doc.get("completion_date") or (utcnow() if lesson_ids and done == len(lesson_ids) else None)
        await self.progress.set_percentage(doc["_id"], len(doc.get("completed_lessons", [])), percentage, completion)
        return {**doc, "progress_percentage": percentage, "completion_date": completion}


def grade(lesson: Document, answers: dict[str, AnswerValue]) -> dict[str, Any]:
    """Grade ``answers`` against the lesson's stored key; unanswered questions count as wrong."""
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
    """One ``quiz_attempts`` document per graded question."""
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
