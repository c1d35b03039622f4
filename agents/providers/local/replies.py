"""Plain-language replies of the local model for non-search tool results."""

from __future__ import annotations

from typing import Any

CAPABILITIES = (
    "Hi! I'm your course tutor. Ask me a question about the course material and I'll answer with "
    "citations, or ask me to list courses, enroll you in a course, or show your progress."
)


def _error(data: dict[str, Any]) -> str:
    error = data.get("error") or {}
    return str(error.get("message", "the request failed"))


def courses_reply(data: dict[str, Any]) -> str:
    """The catalogue as a short list."""
    if not data.get("ok"):
        return f"I couldn't load the course catalogue: {_error(data)}."
    courses = data.get("courses") or []
    if not courses:
        return "There are no published courses matching that yet."
    lines = [
        f"- {c.get('title', c.get('id'))}" + (f" ({c['difficulty_level']})" if c.get("difficulty_level") else "")
        for c in courses
    ]
    return "Here are the available courses:\n" + "\n".join(lines)


def which_course_reply(data: dict[str, Any]) -> str:
    """Ask the student to name a course when none could be matched."""
    titles = ", ".join(str(c.get("title", c.get("id"))) for c in (data.get("courses") or [])[:10])
    suffix = f" Available courses: {titles}." if titles else ""
    return "Which course would you like to enroll in? I couldn't tell from your message." + suffix


def enroll_reply(data: dict[str, Any]) -> str:
    """Confirm only what the tool reported as done."""
    if data.get("ok"):
        title = (data.get("course") or {}).get("title", "the course")
        return f"Done: you are now enrolled in {title}."
    return f"I couldn't enroll you: {_error(data)}."


def progress_reply(data: dict[str, Any]) -> str:
    """Progress per course."""
    if not data.get("ok"):
        return f"I couldn't read your progress: {_error(data)}."
    records = data.get("progress") or []
    if not records:
        return "You have no recorded progress yet. Enroll in a course and start a lesson!"
    lines = []
    for r in records:
        name = r.get("course_title") or r.get("course_id", "a course")
        pct = r.get("progress_percent", r.get("percent"))
        done = r.get("completed_lessons")
        detail = f"{pct:.0f}% complete" if isinstance(pct, int | float) else "in progress"
        if isinstance(done, list):
            detail += f", {len(done)} lesson(s) done"
        lines.append(f"- {name}: {detail}")
    return "Your progress:\n" + "\n".join(lines)


def learner_reply(name: str, data: dict[str, Any]) -> str:
    """Recommendations or weak areas."""
    if not data.get("ok"):
        return f"I can't look that up right now: {_error(data)}."
    if name == "get_weak_areas":
        areas = data.get("weak_areas") or []
        if not areas:
            return "I don't see any weak areas yet. Keep practising!"
        labels = [str(a.get("name") or a.get("skill") or a.get("topic") or a) for a in areas[:5]]
        return "Topics to practise: " + ", ".join(labels) + "."
    recs = data.get("recommendations") or {}
    items = recs.get("items", recs) if isinstance(recs, dict) else recs
    if not items:
        return "I have no recommendations for you yet."
    labels = [
        str(i.get("title") or i.get("name") or i.get("id") or i) if isinstance(i, dict) else str(i)
        for i in list(items)[:5]
    ]
    return "I suggest next: " + ", ".join(labels) + "."
