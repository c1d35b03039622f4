"""Courses as the catalogue, their students and their instructor see them, and course removal jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from msgspec import UNSET, Struct, UnsetType

Difficulty = Literal["beginner", "intermediate", "advanced"]


class QuizPolicyOut(Struct, kw_only=True):
    """Attempts allowed per quiz (``null``: unlimited) and when answer keys are shown.

    As the instructor set it: a field left out of a ``PATCH`` is absent and has its default
    (``max_attempts`` unlimited, ``reveal`` ``answered``).
    """

    max_attempts: int | UnsetType | None = UNSET
    reveal: Literal["answered", "after_last_attempt", "never"] | UnsetType = UNSET


class TutorPolicyOut(Struct, kw_only=True):
    """Whether the course's instructor may read its tutor conversations, and its LLM token caps (``null``: none)."""

    conversation_review: Literal["off", "anonymized", "named"]
    student_daily_tokens: int | None
    course_monthly_tokens: int | None


class QuestionOut(Struct, kw_only=True):
    """A quiz question; ``answer`` (index of the right choice) and ``explanation`` only for the course's instructor."""

    id: str
    prompt: str
    choices: list[str]
    skills: list[str]
    answer: int | UnsetType = UNSET
    explanation: str | UnsetType = UNSET


class QuizOut(Struct, kw_only=True):
    """A lesson's quiz."""

    questions: list[QuestionOut]


class LessonOut(Struct, kw_only=True):
    """A lesson; ``content`` (Markdown) is ``null`` for callers who see only the outline."""

    id: str
    title: str
    content: str | None
    duration_minutes: int
    skills: list[str]
    prerequisites: list[str]
    quiz: QuizOut | None


class ModuleOut(Struct, kw_only=True):
    """A module of lessons."""

    id: str
    title: str
    summary: str
    lessons: list[LessonOut]


class AcceptedConceptOut(Struct, kw_only=True):
    """A concept of the material the instructor accepted as a skill tag (``PUT /api/courses/{id}/concepts/``)."""

    id: str
    name: str


class CourseFieldsOut(Struct, kw_only=True):
    """The fields a course shows everywhere (catalogue entry and full course).

    ``skill_names`` maps every skill of the course to its display name. Fields an instructor cleared
    with ``PATCH`` are ``null``; ``thumbnail``, ``video_url`` and ``quiz_policy`` are absent when never set,
    ``concepts`` until the instructor first accepts concepts of the material.
    """

    id: str
    title: str
    description: str | None
    category: str
    difficulty_level: Difficulty
    duration_hours: float | None
    price: float | None
    thumbnail: str | UnsetType | None = UNSET
    video_url: str | UnsetType | None = UNSET
    tags: list[str]
    prerequisite_skills: list[str]
    skill_names: dict[str, str]
    quiz_policy: QuizPolicyOut | UnsetType | None = UNSET
    tutor_policy: TutorPolicyOut
    concepts: list[AcceptedConceptOut] | UnsetType = UNSET
    instructor_id: str
    skills: list[str]
    rating: float
    enrollments: int
    version: int
    created_at: datetime
    updated_at: datetime
    status: str | UnsetType = UNSET


class CourseOut(CourseFieldsOut, kw_only=True):
    """A course with its modules, lessons and quizzes (answer keys only for its instructor; lesson
    ``content`` only for its instructor and enrolled students)."""

    modules: list[ModuleOut]


class CourseSummaryOut(CourseFieldsOut, kw_only=True):
    """A catalogue entry: the course's fields and its size, no lessons."""

    module_count: int
    lesson_count: int


class CoursePageOut(Struct, kw_only=True):
    """One page of the catalogue; ``total`` counts every course matching the filters."""

    items: list[CourseSummaryOut]
    total: int
    page: int
    page_size: int


RemovalState = Literal["queued", "running", "waiting", "retrying", "succeeded", "failed"]


class RemovalJobOut(Struct, kw_only=True):
    """A course's removal job.

    ``state``: queued | running | waiting (for a running ingestion of the course) | retrying (after an
    error) | succeeded | failed (retries used up: send DELETE again). ``removed`` counts what each step
    deleted: ``enrollments`` (moved to ``course_removed``), ``files``, ``chunks``, ``materials``, ``ingest_jobs``,
    ``question_drafts``, ``question_jobs``, ``content_gaps``.
    """

    id: str
    course_id: str
    course_title: str
    state: RemovalState
    attempts: int
    removed: dict[str, int]
    error: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
