"""What the API needs beyond the tutor core: materials, chat, the learner model, removals, Redis.

The API only declares these; ``app.wiring`` builds them (the API never constructs a service).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

import redis.asyncio as aioredis
from celery import Celery

from agents.chat import ChatService
from ingest.questions.concept_service import ConceptService
from ingest.questions.review import DraftService
from ingest.service import MaterialService
from recommender.service import RecommendationService
from tutor.container import Services
from tutor.services.course_removal import CourseRemovalService
from tutor.settings import Settings


@dataclass
class Extensions:
    """Services of the higher layers."""

    celery: Celery
    materials: MaterialService
    chat: ChatService
    recommendations: RecommendationService
    redis: aioredis.Redis
    removals: CourseRemovalService
    drafts: DraftService
    concepts: ConceptService

    async def close(self) -> None:
        """Release connections."""
        await self.redis.aclose()
        await self.chat.agent.aclose()


# Opens every service for the API process (for as long as the app runs) and closes them after.
ServicesFactory = Callable[[Settings], AbstractAsyncContextManager[tuple[Services, Extensions]]]
