"""Building every service from settings: the tutor core and the layers above it, for the API process.

``open_services`` is what the API's lifespan runs (``app.asgi``); the CLI uses the core part alone.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from celery import Celery

from agents.adapters import LearnerAdapter, build_deps
from agents.chat import ChatService
from agents.deps import TutorDeps
from agents.factory import build_agent
from agents.oversight import ChatOversight, question_embedder
from agents.providers.openai_compat import LLMConfig
from api.extensions import Extensions
from app.components import retrieval_for, storage_for
from ingest.questions.concept_service import ConceptService
from ingest.questions.review import DraftService
from ingest.questions.source import IndexedCourse
from ingest.service import MaterialService
from recommender.service import RecommendationService, learner_refresh_hook
from tutor.celery_app import make_celery
from tutor.container import Services
from tutor.cpu import configure as configure_cpu
from tutor.db import Mongo
from tutor.errors import NotFound
from tutor.queue import TaskQueue
from tutor.repositories.bundle import Repositories
from tutor.services.course_removal import CourseRemovalService
from tutor.services.login_throttle import LoginThrottle
from tutor.services.lti_grades import passback_hook
from tutor.services.principal import Principal
from tutor.services.ratelimit import RateLimiter
from tutor.settings import Settings

FEEDBACK_PER_MIN = 30  # a student's answers about recommendations per minute (a person clicks far fewer)


def llm_config(settings: Settings) -> LLMConfig | None:
    """The OpenAI-compatible endpoint, or None for the offline local tutor model."""
    llm = settings.llm
    if not llm.configured:
        return None
    return LLMConfig(
        base_url=llm.base_url or "",
        api_key=llm.api_key or "not-needed",
        model=llm.model,
        timeout_s=llm.timeout_s,
        max_retries=llm.max_retries,
    )


@dataclass(frozen=True)
class Connections:
    """What the API process connects to besides MongoDB: Celery's broker (as a task queue) and Redis."""

    celery: Celery
    queue: TaskQueue
    redis: aioredis.Redis

    @classmethod
    def open(cls, settings: Settings) -> Connections:
        """Clients for ``settings`` (they connect on first use)."""
        celery = make_celery(settings)
        redis = aioredis.from_url(settings.redis_url or "redis://127.0.0.1:6379/0")
        return cls(celery, TaskQueue(celery), redis)


def build_core(mongo: Mongo, settings: Settings, connections: Connections) -> Services:
    """The core services as the API runs them: quiz answers queue learner refreshes and LMS grade passbacks,
    logins and answers about recommendations are throttled."""
    throttle = LoginThrottle(
        connections.redis,
        max_failures=settings.login_max_failures,
        address_max_failures=settings.login_address_max_failures,
        window_s=settings.login_window_s,
    )
    passback = passback_hook(Repositories.over(mongo).lti_grade_links, connections.queue)
    feedback_limit = RateLimiter(
        connections.redis, FEEDBACK_PER_MIN, 60, prefix="feedback", noun="answers about recommendations"
    )
    return Services.build(
        mongo, settings, learner_refresh_hook(connections.queue), throttle, passback, feedback_limiter=feedback_limit
    )


def build_extensions(core: Services, settings: Settings, connections: Connections) -> Extensions:
    """Wire materials (with its Celery dispatch) and chat over the core services."""
    configure_cpu(settings.cpu_workers)
    retrieval = retrieval_for(settings)
    queue = connections.queue
    # The model itself runs on the worker; a student's own stored model is read through the learner cache.
    recommendations = RecommendationService(core.records, core.courses, queue, core.learner)

    materials = MaterialService(
        core.records.materials,
        core.records.jobs,
        core.courses,
        core.enrollment,
        storage_for(settings),
        lambda: retrieval,
        queue,
        settings.max_upload_bytes,
    )
    core.courses.title_listeners.append(materials.titles_changed)

    async def deps_for(principal: Principal) -> TutorDeps:
        user: dict[str, Any] | None
        if principal.email is not None and principal.full_name is not None:
            # Read with this request's session check (api.auth): no second read of the account.
            user = {"email": principal.email, "profile": {"full_name": principal.full_name}}
        else:
            user = await core.auth.users.get(principal.user_id)
        if user is None:
            raise NotFound("account not found")
        return build_deps(core, retrieval, principal, user, LearnerAdapter(recommendations, principal))

    limiter = RateLimiter(connections.redis, settings.chat_rate_per_min, 60, prefix="chat")
    llm = llm_config(settings)
    agent = build_agent(retrieval.embedder, llm)
    async def enrolled(principal: Principal) -> list[str]:
        # Through the learner cache: read again only after the student's enrollments changed.
        return [str(e["course_id"]) for e in await core.learner.enrollments(principal)]

    oversight = ChatOversight(
        core.courses, core.usage, core.content_gaps, question_embedder(retrieval.embedder), llm is not None, enrolled
    )
    chat = ChatService(agent, core.conversations, deps_for, limiter, oversight)
    removals = CourseRemovalService(
        core.courses.courses,
        core.courses.enrollments,
        core.records.removals,
        queue,
    )
    records = core.records
    drafts = DraftService(records.drafts, records.question_jobs, records.materials, core.courses, core.content, queue)
    concepts = ConceptService(core.courses, records.courses, IndexedCourse(retrieval).chunks_of)
    return Extensions(
        celery=connections.celery,
        materials=materials,
        chat=chat,
        recommendations=recommendations,
        redis=connections.redis,
        removals=removals,
        drafts=drafts,
        concepts=concepts,
    )


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[tuple[Services, Extensions]]:
    """Connect to MongoDB (``MONGODB_URL`` must be set), build every service, and close them at the end."""
    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    await mongo.ensure_indexes()
    connections = Connections.open(settings)
    core = build_core(mongo, settings, connections)
    extensions = build_extensions(core, settings, connections)
    # Everything built so far (modules, torch, services) lives as long as the process: take it out of
    # the cyclic collector's full passes, each of which otherwise stops the event loop for ~0.4 s.
    gc.freeze()
    try:
        yield core, extensions
    finally:
        gc.unfreeze()
        await extensions.close()
        await mongo.close()
