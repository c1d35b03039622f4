"""Per-turn bookkeeping: what was streamed, which tools ran, which sources were shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from retrieval.types import SearchHit

SNIPPET_CHARS = 240
_MARKER = re.compile(r"\[(\d{1,3})\]")


def citation_payload(number: int, hit: SearchHit) -> dict[str, Any]:
    """The ``citation`` event payload for source ``number``."""
    data = hit.to_dict()
    text = " ".join(str(data.pop("text")).split())
    snippet = text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"
    return {"n": number, "snippet": snippet, **data}


@dataclass(slots=True)
class TurnRecord:
    """Accumulates one turn's output for the final ``done`` event."""

    model: str
    prompt_version: str
    tokens: list[str] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    incomplete: bool = False
    pending: dict[str, Any] | None = None

    @property
    def answer(self) -> str:
        """The answer text streamed so far (since the last reset)."""
        return "".join(self.tokens)

    def reset_answer(self, model: str) -> None:
        """Start the answer over (fallback); executed tool calls stay recorded, they really ran."""
        self.tokens.clear()
        self.citations.clear()
        self.pending = None
        self.model = model

    def done_payload(self) -> dict[str, Any]:
        """Payload of the ``done`` event; ``citations[i].cited`` tells if the answer uses ``[n]``."""
        used = {int(m) for m in _MARKER.findall(self.answer)}
        citations = [{**c, "cited": c["n"] in used} for c in self.citations]
        return {
            "answer": self.answer,
            "citations": citations,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "tool_calls": list(self.tool_calls),
            "incomplete": self.incomplete,
            "pending": self.pending,
        }
