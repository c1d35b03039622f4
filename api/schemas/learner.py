"""The learner model's outputs: ``/api/ai/...`` (recommendations, weak areas, class view, retraining)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from msgspec import UNSET, Struct, UnsetType

from api.schemas.progress import WeakAreaOut


class CourseRecommendationOut(Struct, kw_only=True):
    """A recommended course with the policy's confidence and a reason a student can read."""

    course_id: str
    title: str
    confidence_score: float
    reason: str
    source: str


class LessonRecommendationOut(CourseRecommendationOut, kw_only=True):
    """A recommended next lesson (``title`` is the lesson's) in one of the student's courses."""

    lesson_id: str


class PathCourseOut(Struct, kw_only=True):
    """A course on the learning path."""

    course_id: str
    title: str


class LearningPathOut(Struct, kw_only=True):
    """Courses that cover ``goal_skills`` in order; ``exact`` and ``feasible`` only for the student themself."""

    course_ids: list[str]
    courses: list[PathCourseOut]
    total_hours: float
    goal_skills: list[str]
    covered: list[str]
    exact: bool | UnsetType = UNSET
    feasible: bool | UnsetType = UNSET


class RecommendationsOut(Struct, kw_only=True):
    """A student's learner model: recommendations, next lessons, a learning path and weak areas.

    ``mastery`` is the estimated probability of mastery per skill; ``skill_names`` names every skill the
    document mentions. An instructor reading a student of their courses gets ``scope`` ``instructor``
    and only the slice of ``course_ids`` (no ``career_goals``). ``pending`` is true, and ``source``
    ``cold_start``, while the student's learner model has not been computed yet: the answer then comes
    from the catalogue and the student's progress, and a refresh is queued.
    """

    user_id: str | None
    recommended_courses: list[CourseRecommendationOut]
    next_lessons: list[LessonRecommendationOut]
    learning_path: LearningPathOut
    weak_areas: list[WeakAreaOut]
    mastery: dict[str, float]
    skill_names: dict[str, str]
    target_skills: list[str]
    knowledge_model: str | None
    generated_at: datetime | None
    career_goals: list[str] | UnsetType = UNSET
    scope: Literal["instructor"] | UnsetType = UNSET
    course_ids: list[str] | UnsetType = UNSET
    pending: bool | UnsetType = UNSET
    source: str | UnsetType = UNSET


class ClassSkillOut(Struct, kw_only=True):
    """One skill across a class: students with attempts, students weak at it, mean mastery, attempts."""

    skill: str
    skill_name: str
    students: int
    students_weak: int
    mean_mastery: float | None
    attempts: int


class ClassViewOut(Struct, kw_only=True):
    """Weak skills across a course's students, the skill most students are weak at first."""

    course_id: str
    course_title: str
    students: int
    skills: list[ClassSkillOut]


class TrainingQueuedOut(Struct, kw_only=True):
    """Retraining of a course's knowledge-tracing model was queued."""

    course_id: str
    state: Literal["queued"]
