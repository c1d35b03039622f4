"""The local model's words when material search or enrollment cannot simply go ahead."""

from __future__ import annotations

from typing import Any

from agents.providers.local import replies

UNREACHABLE = (
    "I can't reach the course material right now, so I can't answer from it. Please try again in a "
    "moment; your question is saved in this conversation."
)


def _price(value: Any) -> str:
    price = float(value or 0)
    return "free" if price <= 0 else f"{price:.2f}"


def _error(data: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    error = data.get("error") or {}
    return str(error.get("code", "")), str(error.get("message", "the search failed")), dict(error.get("details") or {})


_CANT_SEARCH = "I can't search its material for you."
_OFFER = "Would you like me to enroll you? Reply “yes” and I will."


def offered_for_a_question(reply: str) -> bool:
    """Whether ``reply`` is the offer to enroll made because a question could not be searched."""
    return _CANT_SEARCH in reply and reply.endswith(_OFFER)


def material_failure_reply(data: dict[str, Any]) -> str:
    """Why the material could not be searched, truthfully, and what the student can do."""
    code, message, details = _error(data)
    if code == "not_enrolled":
        title = details.get("title")
        if not title:
            return ("You're not enrolled in any course yet, so there is no course material I can search. "
                    "Ask me to list the courses, or say “enroll me in …” with a course name.")
        price = float(details.get("price") or 0)
        cost = "It's free." if price <= 0 else f"It costs {price:.2f}."
        return f"You're not enrolled in {title} yet, so {_CANT_SEARCH} {cost} {_OFFER}"
    if code == "material_unavailable":
        return UNREACHABLE
    if code == "no_material":
        return ("No material has been uploaded for this course yet, so I have nothing to answer from. "
                "Your instructor can add lessons and documents; until then, try the lesson pages.")
    if code == "not_found":
        return f"I couldn't search that: {message}."
    return f"I couldn't search the course material: {message}."


def enroll_reply(data: dict[str, Any]) -> str:
    """Enrollment done, waiting for a price confirmation, or refused (in plain words)."""
    code, _, details = _error(data)
    if not data.get("ok") and code == "confirmation_required":
        return (f"{details.get('title', 'This course')} is a paid course ({_price(details.get('price'))}). "
                "Do you want me to enroll you? Reply “yes” to confirm, or “no” to cancel.")
    if not data.get("ok") and code == "not_requested":
        return ("I only enroll you when you ask me to, naming the course: for example "
                "“enroll me in Introduction to Python Programming”.")
    return replies.enroll_reply(data)
