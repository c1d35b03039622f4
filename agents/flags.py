"""Guardrail flags on a conversation, for the course's instructor when conversation review is on.

``quiz_answer_request``: the student asked for a graded quiz's answers. ``prompt_injection``: the student
tried to override the tutor's instructions, or a tool call was refused because the student had not asked
for it (instructions hidden in text the model read). ``abuse``: insults or threats in the student's message.
Checked on the student's own words and the turn's tool results, never on the model's prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from agents.guardrails import NOT_REQUESTED, asks_for_quiz_answers

_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+|my\s+)*"
    r"(previous|prior|earlier|above|system|original)?\s*(instructions?|rules|prompts?|guidelines|guardrails)\b"
    r"|\b(system|hidden|initial)\s+prompt\b"
    r"|\b(reveal|show|print|repeat)\s+(me\s+)?(your|the)\s+(instructions|prompt|rules)\b"
    r"|\b(developer|dan|god)\s+mode\b|\bjailbreak"
    r"|\byou\s+are\s+no\s+longer\b|\bfrom\s+now\s+on,?\s+you\s+(are|will)\b"
    r"|\bpretend\s+(that\s+)?(you\s+are|to\s+be)\s+(an?\s+)?(unrestricted|unfiltered|different)\b",
    re.IGNORECASE,
)
_ABUSE = re.compile(
    r"\b(fuck(ing|ed|er)?|f\*+k|shit(ty)?|bitch|bastard|asshole|dickhead|cunt|moron|retard(ed)?|whore)\b"
    r"|\b(you|u)('?re|\s+are|r)\s+(so\s+|such\s+an?\s+|an?\s+|a\s+total\s+)?"
    r"(stupid|useless|dumb|idiot|trash|garbage|worthless|pathetic)\b"
    r"|\b(shut\s+up)\b"
    r"|\b(i('ll|\s+will|\s+am\s+going\s+to|'m\s+going\s+to)|gonna)\s+(kill|hurt|beat|shoot|find)\s+(you|u|him|her|them)\b",
    re.IGNORECASE,
)
FLAG_ORDER = ("quiz_answer_request", "prompt_injection", "abuse")


def message_flags(message: str) -> list[str]:
    """Flags a student's message raises by itself."""
    flags = []
    if asks_for_quiz_answers(message):
        flags.append("quiz_answer_request")
    if _INJECTION.search(message):
        flags.append("prompt_injection")
    if _ABUSE.search(message):
        flags.append("abuse")
    return flags


def _not_requested(call: Mapping[str, Any]) -> bool:
    """A tool call refused as not asked for (by its code; turns recorded before codes, by their summary)."""
    return call.get("code") == "not_requested" or str(call.get("summary", "")).startswith(NOT_REQUESTED)


def turn_flags(message_flags_: Iterable[str], tool_calls: Iterable[Mapping[str, Any]]) -> list[str]:
    """The flags of a whole turn: the message's, and ``prompt_injection`` when a tool call was refused as
    not requested by the student."""
    flags = set(message_flags_)
    if any(not call.get("ok") and _not_requested(call) for call in tool_calls):
        flags.add("prompt_injection")
    return [flag for flag in FLAG_ORDER if flag in flags]
