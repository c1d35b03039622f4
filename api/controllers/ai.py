"""``/api/ai``: recommendations and feedback on them, weak areas, retraining a course's learner model, and
the recommender policy's training decisions."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from api.auth import instructor_only
from api.params import PathId
from api.schemas.convert import typed
from api.schemas.feedback import FeedbackOut, PolicyHistoryOut
from api.schemas.learner import ClassViewOut, RecommendationsOut, TrainingQueuedOut
from api.schemas.progress import WeakAreaOut
from recommender.service import RecommendationService
from tutor.container import Services
from tutor.schemas.common import ID_PATTERN
from tutor.schemas.feedback import FeedbackIn
from tutor.services.principal import Principal


class AIController(Controller):
    """The learner model's outputs."""

    path = "/api/ai"
    tags = ["learner model"]

    @get("/recommendations/{user_id:str}/", summary="Recommendations for a student")
    async def recommendations(
        self, user_id: PathId, recommendations: RecommendationService, principal: Principal
    ) -> RecommendationsOut:
        """``recommended_courses`` [{course_id, confidence_score, reason}], ``next_lessons``, ``learning_path``,
        ``weak_areas``, ``generated_at``. For the student themself; an instructor of a course they take gets
        only the slice of their own courses (weak areas, mastery, recommendations, path), with ``scope``
        ``instructor`` and ``course_ids``."""
        return typed(await recommendations.get(principal, user_id), RecommendationsOut)

    @post("/recommendations/feedback/", status_code=200, summary="Accept or dismiss a recommendation")
    async def feedback(self, data: FeedbackIn, services: Services, principal: Principal) -> FeedbackOut:
        """The signed-in student's answer about a recommended course or lesson: ``accepted`` or ``dismissed``,
        optionally ``rating`` 1-5. Students only (403 otherwise); the item must exist and be visible to them
        (a lesson of a course they take). A later answer about the same item replaces the earlier one. What
        the student then does there (enrolls, completes the lesson, takes its quiz) is linked to it, and the
        recommender policy's training job learns from both."""
        return typed(await services.feedback.record(principal, data), FeedbackOut)

    @get("/recommendations/policy/", guards=[instructor_only], summary="The recommender policy's training decisions")
    async def policy(
        self,
        services: Services,
        principal: Principal,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> PolicyHistoryOut:
        """Instructors only: the newest runs of the training job, each with its decision (``promoted``,
        ``rejected``, ``failed``), both policies' E_p on held-out simulated learners, the data size and
        the reason; ``serving_version`` is the policy promoted last."""
        return typed(await services.policy_decisions.history(principal, limit), PolicyHistoryOut)

    @get("/weak-areas/", summary="My weak areas")
    async def weak_areas(
        self,
        recommendations: RecommendationService,
        principal: Principal,
        course_id: Annotated[str | None, Parameter(pattern=ID_PATTERN)] = None,
    ) -> list[WeakAreaOut]:
        """The caller's weakest skills with their evidence."""
        return typed(await recommendations.weak_areas(principal, course_id), list[WeakAreaOut])

    @get("/courses/{course_id:str}/weak-areas/", guards=[instructor_only], summary="Weak skills across a class")
    async def class_view(
        self, course_id: PathId, recommendations: RecommendationService, principal: Principal
    ) -> ClassViewOut:
        """Per skill: students with attempts, students for whom it is weak, mean mastery, attempts."""
        return typed(await recommendations.class_view(principal, course_id), ClassViewOut)

    @post(
        "/courses/{course_id:str}/train/", guards=[instructor_only], status_code=202, summary="Retrain a course's model"
    )
    async def train(
        self, course_id: PathId, recommendations: RecommendationService, principal: Principal
    ) -> TrainingQueuedOut:
        """Queue retraining of the course's knowledge-tracing model from all its quiz attempts."""
        return typed(await recommendations.train(principal, course_id), TrainingQueuedOut)
