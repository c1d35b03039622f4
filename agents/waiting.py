"""The ``Pending: ...`` line of the system message: what the previous turn left waiting on this one.

Both the LLM and the local model read it; the local model parses the first words, so the format is
fixed: ``Pending: practice`` or ``Pending: enroll <course_id>``, then a plain explanation.
"""

from __future__ import annotations

import re
from typing import Any

_LINE = re.compile(r"^Pending: (practice|enroll)(?: (\S+))?", re.MULTILINE)


def waiting_line(pending: dict[str, Any] | None) -> str | None:
    """The system-message line for ``pending`` (``None`` when nothing is waiting)."""
    if not pending:
        return None
    kind = pending.get("kind")
    if kind == "practice":
        return (
            "Pending: practice - you asked the student a practice question. If this message answers it "
            "(a letter, a number or the text of a choice), pass it to check_practice_answer; if they ask "
            "something else, help with that instead."
        )
    if kind in ("enroll_confirm", "enroll_offer"):
        price = float(pending.get("price") or 0)
        cost = f"it costs {price:.2f}" if price > 0 else "it is free"
        asked = (
            "asked the student to confirm enrolling" if kind == "enroll_confirm" else "offered to enroll the student"
        )
        return (
            f"Pending: enroll {pending.get('course_id')} - you {asked} in '{pending.get('title')}' ({cost}). "
            f"If this message says yes, call enroll with course_id '{pending.get('course_id')}'; otherwise do "
            "not enroll them."
        )
    return None


def parse_waiting(system_text: str) -> tuple[str, str | None] | None:
    """``(kind, course_id)`` from a system message's ``Pending:`` line, or ``None``."""
    match = _LINE.search(system_text)
    return (match.group(1), match.group(2)) if match else None


def shown_pending(pending: dict[str, Any] | None, answer: str) -> dict[str, Any] | None:
    """What a turn leaves waiting, as far as its answer showed it to the student.

    An enrollment offer or price question stays only if the answer names the course (a tool may offer
    a course the reply then never mentions); its price stays only if the answer states it, so a "yes" to
    an offer whose price was not shown is asked about the price first.
    """
    if not pending or pending.get("kind") not in ("enroll_confirm", "enroll_offer"):
        return pending
    title = str(pending.get("title") or "")
    if not title or title not in answer:
        return None
    price = float(pending.get("price") or 0)
    if price > 0 and f"{price:.2f}" not in answer:
        return {key: value for key, value in pending.items() if key != "price"}
    return pending
