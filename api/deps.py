"""Per-request dependencies: the caller and the services, provided to controllers."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide

from agents.chat import ChatService
from ingest.questions.concept_service import ConceptService
from ingest.questions.review import DraftService
from ingest.service import MaterialService
from recommender.service import RecommendationService
from tutor.container import Services
from tutor.services.course_removal import CourseRemovalService
from tutor.services.principal import Principal


def provide_services(request: Request[Any, Any, Any]) -> Services:
    """The process's services."""
    services: Services = request.app.state.services
    return services


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The authenticated caller."""
    user: Principal = request.user
    return user


def provide_materials(request: Request[Any, Any, Any]) -> MaterialService:
    """Course materials and search."""
    materials: MaterialService = request.app.state.extensions.materials
    return materials


def provide_chat(request: Request[Any, Any, Any]) -> ChatService:
    """The tutor chat."""
    chat: ChatService = request.app.state.extensions.chat
    return chat


def provide_recommendations(request: Request[Any, Any, Any]) -> RecommendationService:
    """The learner model's outputs."""
    recommendations: RecommendationService = request.app.state.extensions.recommendations
    return recommendations


def provide_removals(request: Request[Any, Any, Any]) -> CourseRemovalService:
    """Course deletion and its removal jobs."""
    removals: CourseRemovalService = request.app.state.extensions.removals
    return removals


def provide_drafts(request: Request[Any, Any, Any]) -> DraftService:
    """Question drafts and their generation jobs."""
    drafts: DraftService = request.app.state.extensions.drafts
    return drafts


def provide_concepts(request: Request[Any, Any, Any]) -> ConceptService:
    """Concepts of a course's material."""
    concepts: ConceptService = request.app.state.extensions.concepts
    return concepts


DEPENDENCIES = {
    "drafts": Provide(provide_drafts, sync_to_thread=False),
    # not "concepts": a dependency must not share a name with a field of a request body (ConceptsIn.concepts),
    # or Litestar reads that field's validation error as a server error
    "concept_service": Provide(provide_concepts, sync_to_thread=False),
    "removals": Provide(provide_removals, sync_to_thread=False),
    "recommendations": Provide(provide_recommendations, sync_to_thread=False),
    "chat": Provide(provide_chat, sync_to_thread=False),
    "materials": Provide(provide_materials, sync_to_thread=False),
    "services": Provide(provide_services, sync_to_thread=False),
    "principal": Provide(provide_principal, sync_to_thread=False),
}
