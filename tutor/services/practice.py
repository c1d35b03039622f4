"""Practice in chat: one question from the quiz bank, graded on the server like a quiz attempt."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.errors import Conflict, Forbidden, InvalidInput, NotFound
from tutor.repositories.courses import CourseRepository
from tutor.repositories.progress import ProgressRepository, QuizAttemptRepository
from tutor.schemas.quiz import policy_of
from tutor.services.course_tree import find_lesson
from tutor.services.enrollment import EnrollmentService
from tutor.services.practice_answers import letter, parse_choice
from tutor.services.practice_pick import Candidate, choose, match_topic, question_pool, topic_words, weakness
from tutor.services.principal import Principal
from tutor.services.progress import ProgressService
from tutor.services.quiz_keys import attempts_used, practice_shows_key
from tutor.services.skills import skill_label

RECENT_ATTEMPTS = 20  # questions answered among a student's last this-many attempts count as recently seen
STALE = "that practice question is no longer in the course; ask for a new one"
RESERVED = "that question's answer key is kept for the course's graded quiz now; ask for a new one"


class PracticeService:
    """Practice questions for the calling student, recorded as quiz attempts.

    Grading a practice answer shows the key, so questions come only from quizzes whose key the
    course's quiz policy lets this student see (see :func:`tutor.services.quiz_keys.practice_shows_key`),
    and each graded answer records that reveal: later attempts at the question are no evidence.

    ``quizzes`` is the :class:`ProgressService` whose ``on_quiz_submitted`` hook (the learner-model
    refresh) is called after each graded answer; it is read at call time because the API wires the
    hook after the services are built.
    """

    def __init__(
        self,
        courses: CourseRepository,
        progress: ProgressRepository,
        attempts: QuizAttemptRepository,
        enrollment: EnrollmentService,
        quizzes: ProgressService,
    ) -> None:
        self.courses = courses
        self.progress = progress
        self.attempts = attempts
        self.enrollment = enrollment
        self.quizzes = quizzes

    async def next_question(self, principal: Principal, course_id: str | None, topic: str | None) -> dict[str, Any]:
        """A question on ``topic`` (weakest skill first, not recently seen), without its answer.

        Args:
            principal: The student.
            course_id: Course to practise; ``None`` means every course the student is enrolled in.
            topic: Words naming a skill or lesson ("loops"); ``None`` or unmatched means any.

        Returns:
            ``course_id``, ``course_title``, ``lesson_id``, ``lesson_title``, ``question_id``,
            ``prompt``, ``choices``, ``skills``, ``skill`` (the one practised) and its readable
            ``skill_label``, ``weak`` (whether it is a weak area), ``topic``, ``topic_matched``,
            ``recently_seen``. Never the answer or explanation.

        Raises:
            NotFound: No such course, or no quiz questions to practise.
            Forbidden: Not enrolled in the course (or in any course).
        """
        courses = await self._courses(principal, course_id)
        bank = question_pool(courses)
        pool = await self._open_questions(principal, bank)
        if not pool:
            kept = " (their answer keys are kept for the graded quizzes)" if bank else ""
            raise NotFound("there are no quiz questions to practise in " + _titles(courses) + kept)
        focus = match_topic(pool, topic_words(topic))
        candidates = [c for c in pool if c.order in focus] or pool
        ranks = {c["_id"]: weakness(await self.progress.find_one(principal.user_id, c["_id"])) for c in courses}
        recent = await self.attempts.recent_question_ids(
            principal.user_id, [c["_id"] for c in courses], RECENT_ATTEMPTS
        )
        picked, skill = choose(candidates, focus, ranks, recent)
        out = _where(picked.course, picked.lesson, picked.question)
        out.update(
            prompt=picked.question["prompt"],
            choices=list(picked.question["choices"]),
            skill=skill,
            skill_label=skill_label(skill, picked.course.get("skill_names")) if skill else None,
            weak=skill is not None and ranks[picked.course["_id"]].get(skill, 0.0) < 0.0,
            topic=topic or None,
            topic_matched=bool(focus),
            recently_seen=picked.question["id"] in recent,
        )
        return out

    async def check(self, principal: Principal, pending: dict[str, Any], answer: str) -> dict[str, Any]:
        """Grade ``answer`` to the pending question, record the attempt and refresh the learner model.

        Args:
            principal: The student.
            pending: ``{"kind": "practice", "course_id", "lesson_id", "question_id"}`` from the server's
                own record of the previous turn.
            answer: The student's reply: a letter, a 1-based number or the choice's text.

        Returns:
            Where the question lives (as in :meth:`next_question`), ``prompt``, ``choices``, ``skills``
            and ``status``: ``not_an_answer`` (nothing recorded, nothing revealed) or ``correct`` /
            ``incorrect`` with ``correct``, ``given``/``given_letter``/``given_text``,
            ``answer``/``answer_letter``/``answer_text``, ``explanation`` and ``attempt_id``.

        Raises:
            InvalidInput: ``pending`` is not a practice question.
            NotFound: The course, lesson or question no longer exists.
            Forbidden: Not enrolled in the course.
            Conflict: The course's quiz policy now keeps this question's key for its graded quiz.
        """
        course_id, lesson_id, question_id = _pending_ids(pending)
        course = await self.courses.get(course_id)
        if course is None:
            raise NotFound(STALE)
        await self.enrollment.require_enrolled(principal, course_id)
        lesson = find_lesson(course, lesson_id)
        questions = ((lesson or {}).get("quiz") or {}).get("questions", [])
        position = next((i for i, q in enumerate(questions) if q["id"] == question_id), None)
        if lesson is None or position is None:
            raise NotFound(STALE)
        if not await self.quizzes.practice_allowed(principal.user_id, course, lesson_id):
            raise Conflict(RESERVED)
        question = questions[position]
        out = _where(course, lesson, question)
        out.update(prompt=question["prompt"], choices=list(question["choices"]))
        given = parse_choice(answer, question["choices"])
        if given is None:
            return {**out, "status": "not_an_answer", "correct": None}
        key = int(question["answer"])
        result = {"question_id": question_id, "position": position, "answered": True, "correct": given == key}
        attempt = await self.quizzes.record_practice(
            principal, course_id, lesson_id, {**result, "skills": out["skills"]}
        )
        hook = self.quizzes.on_quiz_submitted
        if hook is not None:
            await hook(principal.user_id, course_id)
        return {
            **out,
            "status": "correct" if given == key else "incorrect",
            "correct": given == key,
            "given": given,
            "given_letter": letter(given),
            "given_text": question["choices"][given],
            "answer": key,
            "answer_letter": letter(key),
            "answer_text": question["choices"][key],
            "explanation": question.get("explanation", ""),
            "attempt_id": attempt["_id"],
        }

    async def _open_questions(self, principal: Principal, pool: list[Candidate]) -> list[Candidate]:
        """The questions whose key the course's quiz policy lets this student see after grading."""
        progress: dict[str, Document | None] = {}
        for cand in pool:
            if cand.course["_id"] not in progress:
                progress[cand.course["_id"]] = await self.progress.find_one(principal.user_id, cand.course["_id"])
        return [
            cand
            for cand in pool
            if practice_shows_key(
                policy_of(cand.course), attempts_used(progress[cand.course["_id"]], cand.lesson["id"])
            )
        ]

    async def _courses(self, principal: Principal, course_id: str | None) -> list[Document]:
        if course_id is not None:
            course = await self.courses.get(course_id)
            if course is None:
                raise NotFound(f"course {course_id} not found")
            await self.enrollment.require_enrolled(principal, course_id)
            return [course]
        enrolled = [e["course_id"] for e in await self.enrollment.mine(principal)]
        courses = [c for c in [await self.courses.get(cid) for cid in enrolled] if c is not None]
        if not courses:
            raise Forbidden("enroll in a course first to practise its quiz questions")
        return courses


def _pending_ids(pending: dict[str, Any]) -> tuple[str, str, str]:
    ids = tuple(pending.get(k) for k in ("course_id", "lesson_id", "question_id"))
    if pending.get("kind") != "practice" or not all(isinstance(i, str) and i for i in ids):
        raise InvalidInput("there is no practice question waiting; ask for one first")
    return str(ids[0]), str(ids[1]), str(ids[2])


def _where(course: Document, lesson: Document, question: Document) -> dict[str, Any]:
    return {
        "course_id": course["_id"],
        "course_title": course.get("title", ""),
        "lesson_id": lesson["id"],
        "lesson_title": lesson.get("title", ""),
        "question_id": question["id"],
        "skills": [str(s) for s in question.get("skills", [])],
    }


def _titles(courses: list[Document]) -> str:
    return ", ".join(str(c.get("title", c["_id"])) for c in courses) or "your courses"
