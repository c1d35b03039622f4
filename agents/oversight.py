"""What a chat turn owes the course's oversight: the policy it runs under, the caps, usage, content gaps.

Nothing here may fail a turn: a student's answer matters more than its bookkeeping, so a failure to
record is logged and the turn goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from agents.declines import is_not_covered
from agents.providers.local.embedding import QueryEmbedder, unit_vectors
from retrieval.types import place_in_course
from tutor.cpu import run_cpu
from tutor.schemas.tutor_policy import DEFAULT_POLICY, TutorPolicy, policy_of
from tutor.services.content_gaps import ContentGapService
from tutor.services.courses import CourseService
from tutor.services.principal import Principal
from tutor.services.usage import Admission, TurnUsage, UsageService

logger = logging.getLogger(__name__)
Embed = Callable[[str], Awaitable[list[float]]]
CourseIds = Callable[[Principal], Awaitable[list[str]]]

CAP_NOTICES = {
    "student_daily_cap": "You've used today's AI tutor allowance for this course ({cap:,} tokens). Until it "
    "resets at midnight UTC, the offline tutor model answers: still from the course material, only simpler.",
    "course_monthly_cap": "This course has used its AI tutor budget for the month. Until the month ends, the "
    "offline tutor model answers: still from the course material, only simpler.",
}


def cap_notice(admission: Admission) -> str | None:
    """What the student is told when a cap sends their turn to the offline model (None: not capped)."""
    if admission.allowed or admission.reason is None:
        return None
    return CAP_NOTICES[admission.reason].format(cap=admission.cap or 0)


def closest_lessons(citations: Sequence[Mapping[str, Any]], limit: int = 2) -> list[str]:
    """Titles of the lessons the turn's sources come from, best first, without repeats."""
    titles = []
    for payload in citations:
        citation = payload.get("citation") or {}
        path = citation.get("heading_path") or []
        titles.append(place_in_course(path, citation.get("lesson_id"), citation.get("source_name"))[0])
    return list(dict.fromkeys(titles))[:limit]


def question_embedder(embedder: QueryEmbedder) -> Embed:
    """A question's unit embedding from ``embedder``, computed on the CPU pool."""

    async def embed(question: str) -> list[float]:
        vectors = await run_cpu(unit_vectors, embedder, [question])
        return [float(x) for x in vectors[0]]

    return embed


def cited_course(done: Mapping[str, Any] | None) -> str | None:
    """The course of the first source the answer cites, else of its first source (None: no sources)."""
    citations = list((done or {}).get("citations") or [])
    ordered = [c for c in citations if c.get("cited")] + citations
    for payload in ordered:
        course = (payload.get("citation") or {}).get("course_id")
        if course:
            return str(course)
    return None


class ChatOversight:
    """The course's tutor policy, its usage caps and records, and its content gaps, as seen from a turn."""

    def __init__(
        self,
        courses: CourseService,
        usage: UsageService,
        gaps: ContentGapService,
        embed: Embed,
        capped_models: bool,
        enrolled: CourseIds | None = None,
    ) -> None:
        """Create it.

        Args:
            courses: The catalogue (policies are read from its cache).
            usage: Usage records and caps.
            gaps: Content gap records.
            embed: A question's unit embedding (run off the event loop).
            capped_models: Whether the tutor's first model is a paid LLM (the offline model has no caps).
            enrolled: The ids of the courses a student is enrolled in, read through the learner cache (a
                turn outside any course searches them all, so it must be under the caps of each).
        """
        self.courses = courses
        self.usage = usage
        self.gaps = gaps
        self.embed = embed
        self.capped_models = capped_models
        self.enrolled = enrolled

    async def policy(self, course_id: str | None) -> TutorPolicy:
        """The policy in force for ``course_id`` (the defaults for no course or an unknown one)."""
        if not course_id:
            return DEFAULT_POLICY
        return policy_of(await self.courses.cache.document(course_id))

    async def admit(self, course_id: str | None, principal: Principal, policy: TutorPolicy) -> Admission:
        """Room under the course's caps for an LLM turn (always, when there is no LLM or no cap).

        A turn outside any course ("all my courses") answers from every course the student takes, so it
        reserves room under the caps of each of them that has caps, and is refused if any one is reached.
        """
        if not self.capped_models:
            return Admission()
        user_id = principal.user_id
        if course_id is not None:
            return await self.usage.admit(course_id, user_id, policy)
        merged = Admission()
        if self.enrolled is None or not await self._any_course_capped():
            return merged  # the usual case, told by the cached catalogue: no read of the student's enrollments
        for other in await self.enrolled(principal):
            other_policy = await self.policy(other)
            if other_policy.student_daily_tokens is None and other_policy.course_monthly_tokens is None:
                continue
            admission = await self.usage.admit(other, user_id, other_policy)
            if not admission.allowed:
                await self.usage.settle(merged, None)
                return admission
            merged.reservations.extend(admission.reservations)
        return merged

    async def _any_course_capped(self) -> bool:
        """Whether any course has a cap (from the catalogue cache, so usually without a database read)."""
        return any(
            policy_of(course).student_daily_tokens is not None or policy_of(course).course_monthly_tokens is not None
            for course in await self.courses.cache.outlines()
        )

    async def finish(
        self, course_id: str | None, user_id: str, admission: Admission, done: Mapping[str, Any] | None, question: str
    ) -> None:
        """Settle the caps, count the turn's tokens, and keep the question if it was declined as not covered."""
        used = [
            TurnUsage(str(u["model"]), int(u["prompt_tokens"]), int(u["completion_tokens"]), bool(u["billable"]))
            for u in (done or {}).get("usage", [])
        ]
        billable = [u for u in used if u.billable]
        try:
            if admission.reservations:
                await self.usage.settle(admission, billable[0] if billable else None)
            # Outside a course, the turn is counted in the course its answer cites first (if any).
            counted_in = course_id or cited_course(done)
            if counted_in is not None:
                for turn_usage in used:
                    await self.usage.record(counted_in, user_id, turn_usage)
            if course_id is not None and done is not None and is_not_covered(str(done.get("answer", ""))):
                lessons = closest_lessons(done.get("citations") or [])
                await self.gaps.record(course_id, question, await self.embed(question), lessons)
        except Exception:
            logger.exception("could not record the turn's usage or content gap")
