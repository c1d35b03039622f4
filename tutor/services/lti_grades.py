"""Grades back to the LMS (LTI Assignment and Grade Services 2.0).

A launch of a student through a link with a line item remembers where that student's score goes. After
each graded quiz the API queues ``lti.send_scores``; the worker reads the student's stored progress and
posts the score: the best quiz score of the linked lesson, or the course's progress for a course-level
link. The score is always recomputed from what is stored, so a passback that fails (the platform is
down) loses nothing: it is retried with backoff, shown to the instructor as failed meanwhile, and the
next successful passback carries the latest score.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from tutor.db import Document
from tutor.errors import NotFound, Unavailable
from tutor.lti import claims as c
from tutor.lti.services_client import PlatformServices, ServiceError
from tutor.queue import TaskQueue
from tutor.repositories.courses import CourseRepository
from tutor.repositories.lti import LtiGradeLinkRepository, LtiPlatformRepository, digest
from tutor.repositories.progress import ProgressRepository
from tutor.services.principal import Principal
from tutor.services.progress import QuizHook

log = logging.getLogger(__name__)
TASK = "lti.send_scores"


class GradePassback:
    """Grade links (remembered at launch), the scores they carry, and the instructor's overview."""

    def __init__(
        self,
        links: LtiGradeLinkRepository,
        platforms: LtiPlatformRepository,
        progress: ProgressRepository,
        courses: CourseRepository,
        services: PlatformServices,
    ) -> None:
        self.links = links
        self.platforms = platforms
        self.progress = progress
        self.courses = courses
        self.services = services

    async def remember(
        self, user: Document, platform: Document, claims: dict[str, Any], course_id: str, lesson_id: str | None
    ) -> None:
        """After a student's launch: where their score for this link goes (when the platform offers AGS)."""
        ags = claims.get(c.AGS_ENDPOINT)
        if user["role"] != "student" or not isinstance(ags, dict) or not ags.get("lineitem"):
            return
        scopes = [s for s in ags.get("scope", []) if isinstance(s, str)]
        if c.SCOPE_SCORE not in scopes:
            return
        lineitem = str(ags["lineitem"])
        await self.links.remember(
            digest(user["_id"], lineitem),
            {"user_id": user["_id"], "platform_id": platform["_id"], "sub": str(claims["sub"]), "lineitem": lineitem,
             "scopes": scopes, "course_id": course_id, "lesson_id": lesson_id},
        )  # fmt: skip

    async def send(self, user_id: str, course_id: str) -> list[str]:
        """Post the student's current scores in ``course_id`` to every linked line item.

        Returns the errors of passbacks worth retrying (empty when all were sent or cannot succeed).
        """
        links = await self.links.of_student(user_id, course_id)
        if not links:
            return []
        progress = await self.progress.find_one(user_id, course_id) or {}
        course = await self.courses.get(course_id) or {}
        retry: list[str] = []
        for link in links:
            score = score_of(link, progress, course)
            platform = await self.platforms.get(link["platform_id"])
            if platform is None:
                await self.links.record(link["_id"], {"state": "failed", "last_error": "platform no longer registered"})
                continue
            try:
                await self.services.post_score(platform, link["lineitem"], score, [c.SCOPE_SCORE])
            except ServiceError as exc:
                log.warning("grade passback for %s to %s failed: %s", user_id, link["lineitem"], exc)
                await self.links.record(link["_id"], {"state": "failed", "last_error": str(exc)[:500]})
                if exc.retriable:
                    retry.append(str(exc))
                continue
            await self.links.record(link["_id"], {
                "state": "sent", "last_error": None, "score_given": score["scoreGiven"],
                "score_maximum": score["scoreMaximum"], "sent_at": datetime.now(UTC),
            })  # fmt: skip
        return retry

    async def overview(self, principal: Principal, course_id: str) -> list[dict[str, Any]]:
        """The passback state of every launched student of a course (its instructor only)."""
        course = await self.courses.get(course_id)
        if course is None or course.get("instructor_id") != principal.user_id:
            raise NotFound(f"you teach no course {course_id!r}")
        keys = ("user_id", "lesson_id", "state", "score_given", "score_maximum", "last_error", "attempts", "sent_at")
        return [
            {**{k: link.get(k) for k in keys}, "attempts": int(link.get("attempts") or 0)}
            for link in await self.links.of_course(course_id)
        ]


def score_of(link: Document, progress: Document, course: Document) -> dict[str, Any]:
    """The AGS score of a grade link from the student's stored progress."""
    lesson_id = link.get("lesson_id")
    if lesson_id:
        entry = (progress.get("quiz_scores") or {}).get(lesson_id) or {}
        given = float(entry.get("best_score") or 0.0)
        done = lesson_id in (progress.get("completed_lessons") or []) or bool(entry.get("attempts"))
        activity = "Completed" if done else "InProgress"
    else:
        given = float(progress.get("progress_percentage") or 0.0)
        activity = "Completed" if given >= 100.0 else "InProgress"
    return {
        "userId": link["sub"],
        "scoreGiven": round(given, 2),
        "scoreMaximum": 100,
        "activityProgress": activity,
        "gradingProgress": "FullyGraded",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def passback_hook(links: LtiGradeLinkRepository, queue: TaskQueue) -> QuizHook:
    """The quiz hook that queues a passback for a student who has grade links in the course."""

    async def send(user_id: str, course_id: str = "") -> None:
        if not course_id or not await links.exists_for(user_id, course_id):
            return
        try:
            await queue.enqueue(TASK, [user_id, course_id])
        except Unavailable:
            log.warning("passback for %s in %s not queued; the next graded answer sends the score", user_id, course_id)

    return send
