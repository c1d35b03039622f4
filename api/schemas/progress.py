"""Enrollments, progress and graded quizzes: ``/api/courses/enroll/``, ``/api/enrollments/``, ``/api/progress/``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from msgspec import UNSET, Struct, UnsetType


class EnrollmentOut(Struct, kw_only=True):
    """An enrollment; ``status`` is ``course_removed`` once its course was deleted (seen only in the export)."""

    id: str
    course_id: str
    course_title: str | None
    status: str
    enrolled_at: datetime


class SkillMasteryOut(Struct, kw_only=True):
    """The learner model's estimate for one skill: ``p`` (probability of mastery) with its interval ``ci``."""

    p: float
    ci: list[float]
    attempts: int
    correct: int


class WeakAreaOut(Struct, kw_only=True):
    """A skill the student is weak at, with its evidence; ``last_seen`` is an ISO 8601 time.

    ``course_title`` is present when the area names a ``course_id``.
    """

    skill: str
    skill_name: str
    mastery: float
    attempts: int
    recent_errors: int
    last_seen: str | None
    reason: str
    course_id: str | UnsetType = UNSET
    course_title: str | UnsetType = UNSET


class QuizScoreOut(Struct, kw_only=True):
    """The student's scores at one lesson's quiz (percentages)."""

    lesson_id: str
    lesson_title: str
    score: float | None
    best_score: float | None
    attempts: int
    last_attempt_at: datetime | None


class QuestionResultOut(Struct, kw_only=True):
    """One graded question; ``correct_answer`` and ``explanation`` only when ``revealed``."""

    question_id: str
    position: int
    answered: bool
    given: int | None
    correct: bool
    skills: list[str]
    revealed: bool
    correct_answer: int | UnsetType = UNSET
    explanation: str | UnsetType = UNSET


class QuizResultOut(Struct, kw_only=True):
    """A graded quiz submission under the course's quiz policy."""

    score: float
    correct: int
    total: int
    results: list[QuestionResultOut]
    attempts_used: int
    attempts_remaining: int | None
    max_attempts: int | None
    reveal: Literal["answered", "after_last_attempt", "never"]


class ProgressOut(Struct, kw_only=True):
    """The caller's progress in one course, with titles and skill names next to the ids.

    ``mastery`` and ``weak_areas`` come from the learner model (empty until the first quiz);
    ``skill_names`` names every skill they mention. ``quiz_result`` is present only in the answer to
    a quiz submission.
    """

    id: str
    user_id: str
    course_id: str
    course_title: str
    progress_percentage: float
    completed_lessons: list[str]
    quiz_scores: list[QuizScoreOut]
    time_spent: int
    weak_areas: list[WeakAreaOut]
    mastery: dict[str, SkillMasteryOut]
    skill_names: dict[str, str]
    last_accessed: datetime | None
    completion_date: datetime | None
    quiz_result: QuizResultOut | UnsetType = UNSET
