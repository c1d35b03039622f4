"""A compact learner summary for the system message: weakest skills, current and next lesson.

Both the LLM and the local model receive it. It is built from the server's own records through the
same ports the tools use, for the authenticated user only, and it is optional: a failure to read any
part leaves that part out rather than failing the turn.
"""

from __future__ import annotations

import logging
from typing import Any

from agents.deps import TutorDeps
from tutor.services.skills import skill_label

logger = logging.getLogger(__name__)
MAX_SKILLS = 3


def _pct(value: Any) -> str:
    return f"{round(100 * float(value))}%" if isinstance(value, int | float) else "unknown"


async def _weakest(deps: TutorDeps, course_id: str | None) -> str | None:
    if deps.learner is None:
        return None
    areas = await deps.learner.get_weak_areas(deps.user.id, course_id)
    named = [
        f"{a.get('skill_name') or skill_label(str(a.get('skill', '')), {})} ({_pct(a.get('mastery'))} mastery)"
        for a in areas[:MAX_SKILLS]
        if a.get("skill") or a.get("skill_name")
    ]
    return "Weakest skills: " + ", ".join(named) + "." if named else None


async def _current(deps: TutorDeps, course_id: str | None) -> str | None:
    records = await deps.progress.get_progress(deps.user.id, course_id)
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
    """One short paragraph about the student, or ``None`` when nothing is known yet."""
    if deps.user.role != "student":
        return None
    parts = []
    for part in (_weakest(deps, course_id), _current(deps, course_id), _next(deps)):
        try:
            text = await part
        except Exception as exc:  # optional context: a missing part must not fail the turn
            logger.debug("learner summary part unavailable: %r", exc)
            continue
        if text:
            parts.append(text)
    return " ".join(parts) or None
