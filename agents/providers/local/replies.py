"""Plain-language replies of the local model for non-search tool results.

The progress, recommendations and weak-areas replies live in ``learner_replies`` and are re-exported
here, so callers keep using ``replies.progress_reply`` and ``replies.learner_reply``.
"""

from __future__ import annotations

from typing import Any

from agents.providers.local.learner_replies import learner_reply, progress_reply

__all__ = [
    "CAPABILITIES",
    "NO_QUIZ_ANSWERS",
    "courses_reply",
    "enroll_reply",
    "learner_reply",
    "progress_reply",
    "which_course_reply",
]

CAPABILITIES = (
    "Hi! I'm your course tutor. Ask me a question about the course material and I'll answer with "
    "citations, or ask me to list courses, enroll you in a course, or show your progress."
)


NO_QUIZ_ANSWERS = (
    "I can't give out quiz answers: the quiz is how you see what you've really learned. I can explain any "
    "topic it covers, or give you a practice question first (try “quiz me on loops”)."
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
        f"- {c.get('title') or 'Untitled course'}"
        + (f" ({c['difficulty_level']})" if c.get("difficulty_level") else "")
        for c in courses
    ]
    return "Here are the available courses:\n" + "\n".join(lines)


def offer_reply(offer: dict[str, Any]) -> str:
    """Ask whether the one course a request to enroll came close to is the one meant."""
    price = float(offer.get("price") or 0)
    cost = f" It costs {price:.2f}." if price > 0 else ""
    return (f"Did you mean {offer.get('title') or offer.get('course_id')}?{cost} Reply “yes” and I'll enroll you, "
            "or tell me which course you want.")


def which_course_reply(data: dict[str, Any], closest: bool = False) -> str:
    """Ask the student to name a course when none could be matched (``closest``: ``data`` are search results)."""
    titles = ", ".join(str(c.get("title") or "Untitled course") for c in (data.get("courses") or [])[:10])
    label = "Closest matches" if closest else "Available courses"
    suffix = f" {label}: {titles}." if titles else ""
    return "Which course would you like to enroll in? I couldn't tell from your message." + suffix


def enroll_reply(data: dict[str, Any]) -> str:
    """Confirm only what the tool reported as done."""
    if data.get("ok"):
        title = (data.get("course") or {}).get("title", "the course")
        return f"Done: you are now enrolled in {title}."
    return f"I couldn't enroll you: {_error(data)}."
