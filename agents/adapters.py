"""Adapters from the tutor services to the agent's ports, bound to one authenticated user."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from agents import learner_views
from agents.deps import (
    CatalogPort,
    EnrollmentPort,
    LearnerPort,
    MaterialPort,
    PortError,
    ProgressPort,
    TutorDeps,
    TutorUser,
)
from agents.practice_adapter import PracticeAdapter
from recommender.service import RecommendationService
from retrieval.coverage import TermCoverage
from retrieval.service import RetrievalService
from retrieval.types import SearchHit
from tutor.container import Services
from tutor.cpu import run_cpu
from tutor.errors import Forbidden
from tutor.schemas.courses import CourseQuery
from tutor.services.course_state import is_live
from tutor.services.principal import Principal

logger = logging.getLogger(__name__)
_PAGE = 100  # the catalogue's largest page


class CatalogAdapter(CatalogPort):
    """The public catalogue."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def list_courses(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        """Every published course matching ``filters`` (unknown filter keys are ignored), all pages."""
        allowed = {k: v for k, v in filters.items() if k in CourseQuery.model_fields and v not in (None, "", [])}
        allowed.pop("page", None)
        keys = ("id", "title", "description", "category", "difficulty_level", "tags", "price", "duration_hours")
        courses: dict[str, dict[str, Any]] = {}  # by id: a course written between two pages is kept once
        page_number = 1
        while True:
            query = CourseQuery.model_validate({**allowed, "page_size": _PAGE, "page": page_number})
            page = await self.services.courses.list(query)
            for course in page["items"]:
                courses.setdefault(str(course.get("id")), {k: course.get(k) for k in keys})
            if len(page["items"]) < _PAGE or page_number * _PAGE >= page["total"]:
                return list(courses.values())
            page_number += 1

    async def course_title(self, course_id: str) -> str | None:
        """The title of a live course (from the catalogue cache), or None."""
        course = await self.services.courses.cache.document(course_id)
        if course is None or not is_live(course):
            return None
        title = course.get("title")
        return str(title) if title else None


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
        """Progress per course (one or all) with course and lesson titles; see ``learner_views.progress_record``."""
        _same_user(self.principal, user_id)
        # The labels the progress views were named with: the same courses, not read a second time.
        if course_id:
            view, labels = await self.services.progress.mine_in_with_labels(self.principal, course_id)
            views = [view]
        else:
            views, labels = await self.services.progress.mine_with_labels(self.principal)
        return [learner_views.progress_record(v, labels) for v in views]


class MaterialAdapter(MaterialPort):
    """Search restricted to courses the user is enrolled in or teaches, with truthful failure codes."""

    def __init__(self, services: Services, retrieval: RetrievalService, principal: Principal) -> None:
        self.services = services
        self.retrieval = retrieval
        self.principal = principal
        # Readable courses found during this request; a search and its word coverage ask the same.
        # Only granted access is remembered: an enrollment later in the same turn must still count.
        self._granted: dict[str | None, list[str]] = {}

    async def _targets(self, course_id: str | None) -> list[str]:
        if course_id in self._granted:
            return self._granted[course_id]
        targets = await self._resolve_targets(course_id)
        self._granted[course_id] = targets
        return targets

    async def _resolve_targets(self, course_id: str | None) -> list[str]:
        readable = await self.services.enrollment.readable_course_ids(self.principal)
        if course_id is None:
            if not readable:
                raise PortError("not_enrolled", "you are not enrolled in any course yet", {})
            return readable
        if course_id not in readable:
            course = await self.services.courses.courses.get(course_id)
            if course is None:
                raise PortError("not_found", f"there is no course '{course_id}'")
            details = {
                "course_id": course_id,
                "title": course.get("title", course_id),
                "price": float(course.get("price") or 0),
            }
            raise PortError("not_enrolled", f"you are not enrolled in {details['title']} yet", details)
        return [course_id]

    async def search(self, user_id: str, query: str, course_id: str | None, k: int) -> list[SearchHit]:
        """Top passages from one readable course, or from all readable courses merged by score."""
        _same_user(self.principal, user_id)
        targets = await self._targets(course_id)
        try:
            # One trip to the CPU pool: the query is embedded once for every course searched.
            hits, has_material = await run_cpu(self._search_all, targets, query, k)
        except Exception as exc:  # the vector store (or its server) is down: not the student's problem
            logger.warning("course material search failed: %r", exc)
            raise PortError("material_unavailable", "the course material can't be reached right now") from exc
        if not has_material:
            raise PortError("no_material", "no material has been uploaded for this course yet")
        return hits

    def _search_all(self, targets: list[str], query: str, k: int) -> tuple[list[SearchHit], bool]:
        """Top ``k`` over ``targets`` and whether any of them has material (runs on the CPU pool)."""
        hits = self.retrieval.search_many(targets, query, k)
        return hits, bool(hits) or any(self.retrieval.count(t) for t in targets)

    async def coverage(self, user_id: str, query: str, course_id: str | None) -> list[TermCoverage]:
        """Per-word passage counts over the searched course(s), summed across courses."""
        _same_user(self.principal, user_id)
        targets = await self._targets(course_id)
        merged: dict[str, TermCoverage] = {}
        try:
            per_course = await run_cpu(lambda: [self.retrieval.term_coverage(t, query) for t in targets])
            for items in per_course:
                for item in items:
                    prev = merged.get(item.word)
                    merged[item.word] = (
                        item
                        if prev is None
                        else replace(
                            prev,
                            df=prev.df + item.df,
                            n_passages=prev.n_passages + item.n_passages,
                            corrected=prev.corrected or item.corrected,
                        )
                    )
        except Exception as exc:
            logger.warning("course vocabulary lookup failed: %r", exc)
            raise PortError("material_unavailable", "the course material can't be reached right now") from exc
        return list(merged.values())


class LearnerAdapter(LearnerPort):
    """The learner model's outputs for the authenticated user."""

    def __init__(self, recommendations: RecommendationService, principal: Principal) -> None:
        self.recommendations = recommendations
        self.principal = principal

    async def get_recommendations(self, user_id: str) -> dict[str, Any]:
        """Next lessons, courses and the path, with titles and reasons (``learner_views.recommendations``)."""
        _same_user(self.principal, user_id)
        doc, labels = await self.recommendations.get_with_labels(self.principal, user_id)
        return learner_views.recommendations(doc, labels)

    async def get_weak_areas(self, user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        """Weakest skills first (at most 10) with names and evidence; see ``learner_views.weak_area``."""
        _same_user(self.principal, user_id)
        areas, labels = await self.recommendations.weak_areas_with_labels(self.principal, course_id)
        return [learner_views.weak_area(a, labels) for a in areas[:10]]


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
        practice=PracticeAdapter(services, principal),
    )
