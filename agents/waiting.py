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
        if "price" not in pending:  # the reply that asked never stated it: the server asks about it first
            cost = "its price was not shown to the student yet"
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

    An enrollment offer stays only if the answer names the course (a tool may offer a course the reply
    then never mentions, and a "yes" to an offer enrolls); a price question stays in any case (the
    student named the course), and the price of either stays only if the answer states it, so a "yes"
    to a price the student never saw is asked about the price first.
    """
    if not pending or pending.get("kind") not in ("enroll_confirm", "enroll_offer"):
        return pending
    if pending.get("kind") == "enroll_offer" and not _names(str(pending.get("title") or ""), answer):
        return None
    price = float(pending.get("price") or 0)
    if price > 0 and not _states_price(price, answer):
        return {key: value for key, value in pending.items() if key != "price"}
    return pending


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def _plain(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split())


def _names(title: str, answer: str) -> bool:
    """The answer names the course: its title, whatever the case, curly quotes or line breaks."""
    return bool(title.strip()) and _plain(title) in _plain(answer)


def _states_price(price: float, answer: str) -> bool:
    """The answer states ``price`` as a number of its own: 49.00, 49, 1,299.00 (not inside 149.00)."""
    forms = {f"{price:.2f}", f"{price:,.2f}"}
    if price == int(price):
        forms |= {f"{int(price)}", f"{int(price):,}"}
    numbers = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.search(rf"(?<![\d.,])(?:{numbers})(?![\d]|[.,]\d)", answer) is not None
