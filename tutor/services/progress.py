"""Lesson completion and server-side quiz grading under the course's quiz policy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tutor.db import Document
from tutor.errors import Conflict, NotFound
from tutor.repositories.courses import CourseRepository
from tutor.repositories.progress import ProgressRepository, QuizAttemptRepository
from tutor.schemas.common import utcnow
from tutor.schemas.progress import ProgressUpdateIn
from tutor.schemas.quiz import QuizPolicy, policy_of
from tutor.services.activity import Activity, ActivityHook
from tutor.services.course_tree import find_lesson
from tutor.services.enrollment import EnrollmentService
from tutor.services.labels import CourseLabels, load_labels
from tutor.services.learner_cache import LearnerReads
from tutor.services.principal import Principal
from tutor.services.quiz_evidence import reveal_records, revealed_questions
from tutor.services.quiz_grading import attempt_docs, grade
from tutor.services.quiz_keys import attempts_used, keys_to_reveal, practice_shows_key, student_result
from tutor.services.views import iter_lessons, progress_view

QuizHook = Callable[[str, str], Awaitable[None]]
CAS_TRIES = 20  # a limited quiz's counter is compare-and-set; this many lost races in a row is a conflict


class ProgressService:
    """Progress of the calling student.

    A quiz submission is all-or-nothing: everything is validated and graded before any write, then
    the attempts are inserted in one ``insert_many`` and the progress changes (score, attempt count,
    completion, time, answer-key reveals) applied in one atomic update; if that update fails or the
    attempt limit was reached meanwhile, the inserted attempts are deleted again. This works on any
    MongoDB deployment (a transaction would need a replica set, and would turn the concurrent
    submissions of one student into write conflicts to retry).
    """

    def __init__(
        self,
        progress: ProgressRepository,
        attempts: QuizAttemptRepository,
        courses: CourseRepository,
        enrollment: EnrollmentService,
        on_quiz_submitted: QuizHook | None = None,
        on_progress_changed: QuizHook | None = None,
        learner: LearnerReads | None = None,
        on_activity: ActivityHook | None = None,
    ) -> None:
        self.progress = progress
        self.learner = learner
        self.attempts = attempts
        self.courses = courses
        self.enrollment = enrollment
        self.on_quiz_submitted = on_quiz_submitted
        # After a graded quiz or a completed lesson (the LMS grade passback listens here).
        self.on_progress_changed = on_progress_changed
        # After a completed lesson or a graded quiz (links it to a recommendation the student accepted).
        self.on_activity = on_activity

    async def update(self, principal: Principal, data: ProgressUpdateIn) -> dict[str, Any]:
        """Complete a lesson and/or grade its quiz, then return the progress document.

        Raises:
            NotFound: No such course or lesson.
            Forbidden: Not enrolled.
            InvalidInput: The lesson has no quiz, or an answer is not valid for it.
            Conflict: Every attempt the course's quiz policy allows has been used.
        """
        course = await self.courses.get(data.course_id)
        if course is None:
            raise NotFound(f"course {data.course_id} not found")
        await self.enrollment.require_enrolled(principal, data.course_id)
        lesson = find_lesson(course, data.lesson_id)
        if lesson is None:
            raise NotFound(f"lesson {data.lesson_id} not found in this course")
        graded = grade(lesson, data.quiz_answers) if data.quiz_answers is not None else None
        before = await self.progress.create_if_missing(principal.user_id, data.course_id)
        result = None
        if graded is None:
            doc = await self.progress.apply(
                principal.user_id,
                data.course_id,
                completed_lesson=data.lesson_id if data.completed else None,
                time_spent=data.time_spent or 0,
            )
        else:
            doc, result = await self._submit(principal, data, graded, policy_of(course), before)
        if doc is None:
            raise NotFound("progress not found")
        doc = await self._refresh_percentage(doc, course)
        # First, so the learner-model refresh the quiz queues next finds the interaction to complete.
        if (result is not None or data.completed) and self.on_activity is not None:
            await self.on_activity(
                Activity(
                    principal.user_id,
                    data.course_id,
                    "quiz_submitted" if graded is not None else "lesson_completed",
                    data.lesson_id,
                    tuple(lesson.get("skills", [])),
                    graded["score"] if graded is not None else None,
                    doc.get("mastery") or {},
                )
            )
        if result is not None and self.on_quiz_submitted is not None:
            await self.on_quiz_submitted(principal.user_id, data.course_id)
        if (result is not None or data.completed) and self.on_progress_changed is not None:
            await self.on_progress_changed(principal.user_id, data.course_id)
        out = progress_view(doc, CourseLabels.from_courses([course]))
        if result is not None:
            out["quiz_result"] = result
        return out

    async def _submit(
        self,
        principal: Principal,
        data: ProgressUpdateIn,
        graded: dict[str, Any],
        policy: QuizPolicy,
        before: Document | None,
    ) -> tuple[Document, dict[str, Any]]:
        user_id, course_id, lesson_id = principal.user_id, data.course_id, data.lesson_id
        _check_limit(policy, attempts_used(before, lesson_id))
        docs = attempt_docs(user_id, course_id, lesson_id, graded["results"])
        submission = docs[0]["submission_id"]
        await self.attempts.add_many(docs)
        try:
            for _ in range(CAS_TRIES):
                used = attempts_used(before, lesson_id)
                _check_limit(policy, used)
                shown = keys_to_reveal(policy, graded["results"], used + 1)
                new = sorted(shown - revealed_questions(before, lesson_id))
                doc = await self.progress.apply(
                    user_id,
                    course_id,
                    completed_lesson=lesson_id if data.completed else None,
                    time_spent=data.time_spent or 0,
                    quiz=(lesson_id, graded["score"]),
                    reveals=reveal_records(lesson_id, new, submission, utcnow(), "quiz"),
                    expect_attempts=used if policy.max_attempts is not None else None,
                )
                if doc is not None:
                    return doc, student_result(graded, shown, policy, attempts_used(doc, lesson_id))
                before = await self.progress.find_one(user_id, course_id)
                if before is None or policy.max_attempts is None:
                    raise NotFound("progress not found")
            raise Conflict("this quiz is being submitted several times at once; try again")
        except BaseException:
            await self.attempts.remove_submission(submission)
            raise

    async def practice_allowed(self, user_id: str, course: Document, lesson_id: str) -> bool:
        """Whether chat practice may use (and then reveal) the questions of a lesson's quiz for this student."""
        progress = await self.progress.find_one(user_id, course["_id"])
        return practice_shows_key(policy_of(course), attempts_used(progress, lesson_id))

    async def record_practice(
        self, principal: Principal, course_id: str, lesson_id: str, graded: dict[str, Any]
    ) -> Document:
        """Record one graded practice answer as a quiz attempt whose key is then shown.

        Args:
            principal: The student.
            course_id: The course.
            lesson_id: The lesson whose quiz holds the question.
            graded: ``question_id``, ``position``, ``answered``, ``correct`` and ``skills``.

        Returns:
            The stored attempt document.
        """
        user_id, question_id = principal.user_id, str(graded["question_id"])
        doc = {**attempt_docs(user_id, course_id, lesson_id, [graded])[0], "source": "chat"}
        await self.attempts.add_many([doc])
        try:
            progress = await self.progress.create_if_missing(user_id, course_id)
            if question_id not in revealed_questions(progress, lesson_id):
                records = reveal_records(lesson_id, [question_id], doc["submission_id"], utcnow(), "chat")
                await self.progress.add_reveals(user_id, course_id, records)
        except BaseException:
            await self.attempts.remove_submission(doc["submission_id"])
            raise
        return doc

    async def mine(self, principal: Principal) -> list[dict[str, Any]]:
        """All of the caller's progress documents in live courses, with course, lesson and skill names."""
        views, _ = await self.mine_with_labels(principal)
        return views

    async def mine_with_labels(self, principal: Principal) -> tuple[list[dict[str, Any]], CourseLabels]:
        """:meth:`mine`, with the labels of those courses (for callers that name them, without a second read)."""
        docs = await (self.learner.progress(principal) if self.learner else self.progress.of_user(principal.user_id))
        # One read says which courses are still live and names them.
        courses = await self.courses.live_outlines([doc["course_id"] for doc in docs])
        live = {course["_id"] for course in courses}
        docs = [doc for doc in docs if doc["course_id"] in live]  # a removed course's stay for the export
        labels = CourseLabels.from_courses(courses)
        return [progress_view(doc, labels) for doc in docs], labels

    async def mine_in(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """The caller's progress in one course (404 once the course is removed)."""
        view, _ = await self.mine_in_with_labels(principal, course_id)
        return view

    async def mine_in_with_labels(self, principal: Principal, course_id: str) -> tuple[dict[str, Any], CourseLabels]:
        """:meth:`mine_in`, with the course's labels."""
        await self.enrollment.require_live_course(course_id)
        doc = await self.progress.find_one(principal.user_id, course_id)
        if doc is None:
            raise NotFound("no progress in this course; enroll first")
        labels = await load_labels(self.courses, [course_id])
        return progress_view(doc, labels), labels

    async def _refresh_percentage(self, doc: Document, course: Document) -> Document:
        lesson_ids = {lesson["id"] for lesson in iter_lessons(course)}
        done = len(set(doc.get("completed_lessons", [])) & lesson_ids)
        percentage = round(100.0 * done / len(lesson_ids), 2) if lesson_ids else 0.0
        completion = doc.get("completion_date") or (utcnow() if lesson_ids and done == len(lesson_ids) else None)
        if percentage == doc.get("progress_percentage") and completion == doc.get("completion_date"):
            return doc  # already stored (a quiz retaken, a lesson completed again): no write
        await self.progress.set_percentage(doc, len(doc.get("completed_lessons", [])), percentage, completion)
        return {**doc, "progress_percentage": percentage, "completion_date": completion}


def _check_limit(policy: QuizPolicy, used: int) -> None:
    if policy.max_attempts is not None and used >= policy.max_attempts:
        raise Conflict(
            f"you have used all {policy.max_attempts} attempts this course allows at this quiz",
            details={"attempts_used": used, "max_attempts": policy.max_attempts},
        )
