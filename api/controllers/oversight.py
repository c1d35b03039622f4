"""``/api/courses/{course_id}/...``: the instructor's view of a course's tutor (review, gaps, usage), and a
student's own usage today."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from api.auth import instructor_only
from api.params import PathId
from api.schemas.convert import typed
from api.schemas.oversight import ContentGapsOut, ConversationOut, ConversationPageOut, MyUsageOut, UsageOut
from tutor.container import Services
from tutor.services.principal import Principal
from tutor.services.usage import parse_day

FromDay = Annotated[
    str | None,
    Parameter(query="from", max_length=10, description="First UTC day, YYYY-MM-DD.", schema_extra={"format": "date"}),
]
ToDay = Annotated[
    str | None, Parameter(max_length=10, description="Last UTC day, YYYY-MM-DD.", schema_extra={"format": "date"})
]


class OversightController(Controller):
    """Conversation review, content gaps and usage of a course's tutor."""

    path = "/api/courses/{course_id:str}"
    tags = ["oversight"]

    @get("/conversations/", guards=[instructor_only], summary="Review the course's tutor conversations")
    async def conversations(
        self,
        course_id: PathId,
        services: Services,
        principal: Principal,
        page: Annotated[int, Parameter(ge=1, le=10_000)] = 1,
        page_size: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> ConversationPageOut:
        """Threads about the course with messages written while review was on, flagged ones first (the
        course's instructor; 403 while ``tutor_policy.conversation_review`` is ``off``)."""
        return typed(await services.review.list(principal, course_id, page, page_size), ConversationPageOut)

    @get("/conversations/{thread_id:str}/", guards=[instructor_only], summary="One reviewable conversation")
    async def conversation(
        self, course_id: PathId, thread_id: PathId, services: Services, principal: Principal
    ) -> ConversationOut:
        """The thread's messages written while review was on, with the tutor's citations and tool calls."""
        return typed(await services.review.thread(principal, course_id, thread_id), ConversationOut)

    @get("/content-gaps/", guards=[instructor_only], summary="What students ask that the material does not cover")
    async def content_gaps(self, course_id: PathId, services: Services, principal: Principal) -> ContentGapsOut:
        """Questions the tutor declined as not covered, grouped by meaning, largest group first (never who asked)."""
        return typed(await services.content_gaps.report(principal, course_id), ContentGapsOut)

    @get("/usage/", guards=[instructor_only], summary="The course's tutor usage and estimated cost")
    async def usage(
        self,
        course_id: PathId,
        services: Services,
        principal: Principal,
        from_: FromDay = None,
        to: ToDay = None,
    ) -> UsageOut:
        """Turns, tokens and estimated cost in total, per day and per student (pseudonymised unless review is
        ``named``), from ``from`` to ``to`` (default: the last 30 days)."""
        first, last = parse_day(from_, "from"), parse_day(to, "to")
        return typed(await services.usage.report(principal, course_id, first, last), UsageOut)

    @get("/usage/me/", summary="My tutor usage in the course today")
    async def my_usage(self, course_id: PathId, services: Services, principal: Principal) -> MyUsageOut:
        """The caller's paid-LLM tokens in the course today (UTC), their daily cap and what remains of it."""
        return typed(await services.usage.mine(principal, course_id), MyUsageOut)
