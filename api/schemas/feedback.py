"""Feedback on recommendations (``/api/ai/recommendations/feedback/``), its records in the data export, and
the recommender policy's training decisions (``/api/ai/recommendations/policy/``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from msgspec import UNSET, Struct, UnsetType


class FeedbackOut(Struct, kw_only=True):
    """The caller's stored answer about one item (``answers``: how often they answered about it)."""

    id: str
    item_type: Literal["course", "lesson"]
    item_id: str
    course_id: str
    action: Literal["accepted", "dismissed"]
    rating: int | None
    recommended: bool
    answers: int
    created_at: datetime
    updated_at: datetime


class FeedbackRecommendationOut(Struct, kw_only=True):
    """How the item had been recommended: by the policy or the heuristic, with what confidence, when."""

    source: str
    confidence_score: float
    generated_at: datetime | None


class FeedbackContextOut(Struct, kw_only=True):
    """The learner model the answer was given on: estimated mastery per skill and the target skills."""

    mastery: dict[str, float]
    target_skills: list[str]


class FeedbackRecordOut(Struct, kw_only=True):
    """A stored answer, as the data export shows it (with the learner-model snapshot it was given on)."""

    id: str
    user_id: str
    item_type: Literal["course", "lesson"]
    item_id: str
    course_id: str
    action: Literal["accepted", "dismissed"]
    rating: int | None
    recommended: bool
    recommendation: FeedbackRecommendationOut | None
    skills: list[str]
    context: FeedbackContextOut
    answers: int
    interactions: int
    created_at: datetime
    updated_at: datetime


class InteractionOut(Struct, kw_only=True):
    """What the student did after accepting a recommendation (``feedback_id``).

    A quiz submission carries its ``score`` (percent), the mastery of the lesson's skills before it and,
    once the learner model has been refreshed, after it, with the mean ``gain``.
    """

    id: str
    user_id: str
    feedback_id: str
    item_type: Literal["course", "lesson"]
    item_id: str
    course_id: str
    kind: Literal["enrolled", "lesson_completed", "quiz_submitted"]
    lesson_id: str | None
    skills: list[str]
    at: datetime
    score: float | UnsetType | None = UNSET
    mastery_before: dict[str, float] | UnsetType = UNSET
    mastery_after: dict[str, float] | UnsetType | None = UNSET
    gain: float | UnsetType | None = UNSET
    closed_at: datetime | UnsetType = UNSET


class PolicyEvaluationOut(Struct, kw_only=True):
    """How both policies were evaluated: the simulator, its held-out seeds, learners per seed, session steps."""

    simulator: str
    seeds: list[int]
    learners: int
    horizon: int


class PolicyTrainingOut(Struct, kw_only=True):
    """The candidate's fine-tuning: PPO batches, seconds, and the first training-seed offset used."""

    iterations: int
    seconds: float
    start_iteration: int


class PolicyDecisionOut(Struct, kw_only=True):
    """One run of the training job.

    ``decision`` is ``promoted`` (the candidate now serves), ``rejected`` (it scored below the serving
    policy, or below the best of its line, by more than ``tolerance``) or ``failed`` (``reason`` says why).
    Scores are the normalised learning gain E_p on held-out simulated learners, the same for both.
    ``serving_kind`` is ``heuristic`` when no trained policy served (``serving_version`` ``external``: a
    checkpoint not written by this job, e.g. by ``bench.recommender``); ``candidate_version`` is set only
    when the candidate was promoted. ``n_*`` count the data the candidate
    learnt from; ``max_student_share`` is the largest share of the feedback term one student had.
    """

    id: str
    decided_at: datetime
    trigger: str
    decision: Literal["promoted", "rejected", "failed"]
    reason: str
    serving_kind: Literal["policy", "heuristic"]
    serving_version: str | None
    candidate_version: str | None
    serving_ep: float | None
    candidate_ep: float | None
    best_ep: float | None
    tolerance: float
    n_feedback: int
    n_interactions: int
    n_students: int
    n_examples: int
    max_student_share: float
    evaluation: PolicyEvaluationOut | None
    training: PolicyTrainingOut | None
    duration_s: float


class PolicyHistoryOut(Struct, kw_only=True):
    """The newest training decisions, the version promoted last, and the job's schedule and tolerance."""

    serving_version: str | None
    interval_s: float
    tolerance: float
    decisions: list[PolicyDecisionOut]
