"""Adapters from the tutor services to the agent's ports, bound to one authenticated user."""

from __future__ import annotations

import asyncio
from typing import Any

from agents.deps import CatalogPort, EnrollmentPort, LearnerPort, MaterialPort, ProgressPort, TutorDeps, TutorUser
from recommender.service import RecommendationService
from retrieval.service import RetrievalService
from retrieval.types import SearchHit
from tutor.container import Services
from tutor.errors import Forbidden
from tutor.models.courses import CourseQuery
from tutor.services.principal import Principal


class CatalogAdapter(CatalogPort):
    """The public catalogue."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def list_courses(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        """Course summaries matching ``filters`` (unknown filter keys are ignored)."""
        allowed = {k: v for k, v in filters.items() if k in CourseQuery.model_fields and v not in (None, "", [])}
        page = await self.services.courses.list(CourseQuery.model_validate({"page_size": 50, **allowed}))
        keys = ("id", "title", "description", "category", "difficulty_level", "tags", "price", "duration_hours")
        return [{k: c.get(k) for k in keys} for c in page["items"]]


class EnrollmentAdapter(EnrollmentPort):
    """Enrollment, only ever for the authenticated user."""

    def __init__(self, services: Services, principal: Principal) -> None:
        self.services = services
        self.principal = principal

    async def enroll(self, user_id: str, course_id: str) -> dict[str, Any]:
        """Enroll the authenticated user (a different ``user_id`` is refused)."""
        _same_user(self.principal, user_id)
        return await self.services.enrollment.enroll(self.principal, course_id)


class ProgressAdapter(ProgressPort):
    """The authenticated user's progress."""

    def __init__(self, services: Services, principal: Principal) -> None:
        self.services = services
        self.principal = principal

    async def get_progress(self, user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        """Progress documents (one course or all)."""
        _same_user(self.principal, user_id)
        if course_id:
            return [await self.services.progress.mine_in(self.principal, course_id)]
        return await self.services.progress.mine(self.principal)


class MaterialAdapter(MaterialPort):
    """Search restricted to courses the user is enrolled in or teaches."""

    def __init__(self, services: Services, retrieval: RetrievalService, principal: Principal) -> None:
        self.services = services
        self.retrieval = retrieval
        self.principal = principal

    async def search(self, user_id: str, query: str, course_id: str | None, k: int) -> list[SearchHit]:
        """Top passages from one readable course, or from all readable courses merged by score."""
        _same_user(self.principal, user_id)
        readable = await self.services.enrollment.readable_course_ids(self.principal)
        if course_id is not None:
            if course_id not in readable:
                raise Forbidden("you are not enrolled in that course")
            targets = [course_id]
        else:
            targets = readable
        hits: list[SearchHit] = []
        for target in targets:
            hits.extend(await asyncio.to_thread(self.retrieval.search, target, query, k))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        return hits[:k]


class LearnerAdapter(LearnerPort):
    """The learner model's outputs for the authenticated user."""

    def __init__(self, recommendations: RecommendationService, principal: Principal) -> None:
        self.recommendations = recommendations
        self.principal = principal

    async def get_recommendations(self, user_id: str) -> dict[str, Any]:
        """Recommended courses, next lessons and the learning path."""
        _same_user(self.principal, user_id)
        doc = await self.recommendations.get(self.principal, user_id)
        keep = ("recommended_courses", "next_lessons", "learning_path", "generated_at")
        return {k: doc.get(k) for k in keep}

    async def get_weak_areas(self, user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        """Weakest skills first, with their evidence."""
        _same_user(self.principal, user_id)
        return await self.recommendations.weak_areas(self.principal, course_id)


def _same_user(principal: Principal, user_id: str) -> None:
    if user_id != principal.user_id:
        raise Forbidden("tools act only for the signed-in user")


def build_deps(
    services: Services,
    retrieval: RetrievalService,
    principal: Principal,
    user: dict[str, Any],
    learner: LearnerPort | None = None,
) -> TutorDeps:
    """The agent's dependencies for one request of ``principal``."""
    return TutorDeps(
        user=TutorUser(
            principal.user_id, principal.role, user.get("email", ""), user.get("profile", {}).get("full_name", "")
        ),
        catalog=CatalogAdapter(services),
        enrollment=EnrollmentAdapter(services, principal),
        progress=ProgressAdapter(services, principal),
        material=MaterialAdapter(services, retrieval, principal),
        learner=learner,
    )
