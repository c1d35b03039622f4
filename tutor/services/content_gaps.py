"""Content gaps: what students ask a course's tutor that its material does not cover, grouped by meaning."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tutor.cpu import run_cpu
from tutor.repositories.content_gaps import ContentGapRepository
from tutor.services.courses import CourseService
from tutor.services.gap_clusters import GapQuestion, content_gaps
from tutor.services.principal import Principal

MAX_QUESTIONS = 1000  # the latest declined questions a report groups
MAX_QUESTION_CHARS = 500


class ContentGapService:
    """Keeps declined questions (never who asked) and reports them to the course's instructor."""

    def __init__(self, gaps: ContentGapRepository, courses: CourseService) -> None:
        self.gaps = gaps
        self.courses = courses

    async def record(self, course_id: str, question: str, vector: list[float], lessons: list[str]) -> None:
        """Keep a question the tutor declined as not covered by the course's material."""
        await self.gaps.add(course_id, question.strip()[:MAX_QUESTION_CHARS], vector, lessons[:3])

    async def report(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """The course's content gaps, largest first (its instructor only, whatever the review policy)."""
        await self.courses.owned(course_id, principal)
        docs = await self.gaps.recent(course_id, MAX_QUESTIONS)
        questions = [GapQuestion(d["question"], d["vector"], d.get("lessons") or []) for d in docs]
        gaps = await run_cpu(content_gaps, questions)
        return {"items": [asdict(gap) for gap in gaps], "questions": len(questions)}
