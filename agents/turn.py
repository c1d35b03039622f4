"""Per-turn bookkeeping: what was streamed, which tools ran, which sources were shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from retrieval.types import SearchHit

SNIPPET_CHARS = 240
_MARKER = re.compile(r"\[(\d{1,3})\]")


def estimate_tokens(text: str) -> int:
    """Tokens of ``text`` as a rule of thumb (4 characters each): for a model that reports none, offline."""
    return (len(text) + 3) // 4


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
    # Tokens per model of every model call of the turn (fallbacks included): [prompt, completion, billable].
    usage: dict[str, list[int]] = field(default_factory=dict)
    trace: Any = None  # the OpenTelemetry context of the turn's span (model and tool calls are its children)

    def count(self, model: str, prompt_tokens: int, completion_tokens: int, billable: bool) -> None:
        """Add one model call's tokens."""
        row = self.usage.setdefault(model, [0, 0, int(billable)])
        row[0] += prompt_tokens
        row[1] += completion_tokens

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
            "usage": [
                {"model": model, "prompt_tokens": p, "completion_tokens": c, "billable": bool(b)}
                for model, (p, c, b) in self.usage.items()
            ],
        }
