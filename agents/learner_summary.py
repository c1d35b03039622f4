"""A compact learner summary for the system message: weakest skills, current and next lesson.

Both the LLM and the local model receive it. It is built from the server's own records through the
same ports the tools use, for the authenticated user only, and it is optional: a failure to read any
part leaves that part out rather than failing the turn.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agents.deps import TutorDeps

logger = logging.getLogger(__name__)
MAX_SKILLS = 3


def _weakest(records: list[dict[str, Any]]) -> str | None:
    """The weakest skills across the progress records (each names its course's weakest, weakest first)."""
    skills = [w for r in records for w in r.get("weakest_skills") or [] if w.get("skill_name")]
    ranked = sorted(skills, key=lambda w: w["mastery_percent"] if isinstance(w.get("mastery_percent"), int) else 101)
    named = [f"{w['skill_name']} ({_whole_pct(w.get('mastery_percent'))} mastery)" for w in ranked[:MAX_SKILLS]]
    return "Weakest skills: " + ", ".join(named) + "." if named else None


def _whole_pct(value: Any) -> str:
    return f"{value}%" if isinstance(value, int) else "unknown"


def _current(records: list[dict[str, Any]]) -> str | None:
    lines = []
    for record in records[:3]:
        title = record.get("course_title") or "a course"
        pct = record.get("progress_percentage")
        scores = sorted(record.get("quiz_scores") or [], key=lambda q: str(q.get("last_attempt_at") or ""))
        latest = scores[-1].get("lesson_title") if scores else None
        line = f"{title}: {pct:.0f}% complete" if isinstance(pct, int | float) else f"{title}: started"
        lines.append(line + (f", last quiz in “{latest}”" if latest else ""))
    return "Progress: " + "; ".join(lines) + "." if lines else None


async def _next(deps: TutorDeps) -> str | None:
    if deps.learner is None:
        return None
    recs = await deps.learner.get_recommendations(deps.user.id)
    lessons = recs.get("next_lessons") or []
    first = lessons[0] if lessons and isinstance(lessons[0], dict) else None
    if first is None:
        return None
    title = first.get("lesson_title") or first.get("title")
    course = first.get("course_title")
    if not title:
        return None
    return f"Next recommended lesson: “{title}”" + (f" in {course}." if course else ".")


async def learner_summary(deps: TutorDeps, course_id: str | None) -> str | None:
    """One short paragraph about the student, or ``None`` when nothing is known yet.

    Two reads, side by side (one wait before the model is asked): the progress records, which give both
    the courses' progress and their weakest skills (the learner model's per-course weak areas), and the
    recommendations. Weakest skills are listed only where learner modelling is wired in.
    """
    if deps.user.role != "student":
        return None
    records, upcoming = await asyncio.gather(deps.progress.get_progress(deps.user.id, course_id), _next(deps),
                                             return_exceptions=True)  # fmt: skip
    parts: list[str | None] = []
    if isinstance(records, BaseException):
        _missing(records)
    else:
        parts += [_weakest(records) if deps.learner is not None else None, _current(records)]
    if isinstance(upcoming, BaseException):
        _missing(upcoming)
    else:
        parts.append(upcoming)
    return " ".join(p for p in parts if p) or None


def _missing(exc: BaseException) -> None:
    """A part that could not be read is left out (optional context must not fail the turn); a cancellation is not."""
    if not isinstance(exc, Exception):
        raise exc
    logger.debug("learner summary part unavailable: %r", exc)
