"""Per-turn bookkeeping: what was streamed, which tools ran, which sources were shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from retrieval.types import Chunk, SearchHit

SNIPPET_CHARS = 240
_MARKER = re.compile(r"\[(\d{1,3})\]")
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`", re.DOTALL)  # fenced blocks (even unclosed) and inline code
_QUOTE_WORDS = 12  # words of a quoted line that locate it in its passage


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1] + "…"


_QUOTE_LINE = re.compile(r"^ {0,3}>(?!>) ?(.*)$")
_EDGE_MARKS = "…*_“”\"'()"


def quoted_lines(answer: str) -> list[tuple[str, frozenset[int]]]:
    """The answer's quoted prose lines ("> ..."), each with the citation numbers its quote ends with.

    A quote runs over several lines and ends with its ``[n]``; lines inside code fences (quoted or
    not) are left out, as are very short ones.
    """
    found: list[tuple[str, frozenset[int]]] = []
    pending: list[str] = []
    fenced = False
    for line in answer.splitlines():
        quoted = _QUOTE_LINE.match(line)
        body = (quoted.group(1) if quoted else line).strip()
        if body.startswith("```"):
            fenced = not fenced
            continue
        if fenced or not body:
            continue
        if not quoted:  # prose between quotes: what was pending is attributed to no number
            found.extend((text, frozenset()) for text in pending)
            pending = []
            continue
        numbers = frozenset(int(n) for n in _MARKER.findall(body))
        text = _MARKER.sub("", body).strip()
        if len(text.split()) >= 3:
            pending.append(text)
        if numbers:
            found.extend((text, numbers) for text in pending)
            pending = []
    found.extend((text, frozenset()) for text in pending)
    return found


def locate(text: str, quote: str) -> int:
    """Where ``quote`` begins in ``text`` (spacing and line breaks may differ), or -1."""
    words = [w.strip(_EDGE_MARKS) for w in quote.split()[:_QUOTE_WORDS]]
    words = [w for w in words if w]
    found = re.search(r"\s+".join(map(re.escape, words)), text) if words else None
    return found.start() if found else -1


def place_quote(payload: dict[str, Any], chunk: Chunk, answer: str) -> dict[str, Any]:
    """A cited source as the answer used it: the section and text of the passage's quoted part.

    A passage packed from several short sections is listed under its first one; when the answer
    quotes a later part, the citation names that part's section and shows the quoted text. The quotes
    that end with this source's number are tried first, then those that end with none.
    """
    number = payload["n"]
    lines = quoted_lines(answer)
    ordered = [t for t, n in lines if number in n] + [t for t, n in lines if not n]
    for quote in ordered:
        offset = locate(chunk.text, quote)
        if offset >= 0:
            citation = {**payload["citation"], "heading_path": list(chunk.heading_path_at(offset))}
            return {**payload, "citation": citation, "snippet": _snippet(chunk.text[offset:])}
    return payload


def cited_numbers(answer: str) -> set[int]:
    """The source numbers the answer cites with ``[n]``; ``fruits[1]`` in code cites nothing."""
    return {int(m) for m in _MARKER.findall(_CODE.sub(" ", answer))}


def estimate_tokens(text: str) -> int:
    """Tokens of ``text`` as a rule of thumb (4 characters each): for a model that reports none, offline."""
    return (len(text) + 3) // 4


def citation_payload(number: int, hit: SearchHit) -> dict[str, Any]:
    """The ``citation`` event payload for source ``number``."""
    data = hit.to_dict()
    return {"n": number, "snippet": _snippet(str(data.pop("text"))), **data}


@dataclass(slots=True)
class TurnRecord:
    """Accumulates one turn's output for the final ``done`` event."""

    model: str
    prompt_version: str
    tokens: list[str] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    chunks: dict[int, Chunk] = field(default_factory=dict)  # the passage behind each citation number
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
        self.chunks.clear()
        self.pending = None
        self.model = model

    def done_payload(self) -> dict[str, Any]:
        """Payload of the ``done`` event; ``citations[i].cited`` tells if the answer uses ``[n]``."""
        answer = self.answer
        used = cited_numbers(answer)
        citations = [
            {**(place_quote(c, self.chunks[c["n"]], answer) if c["n"] in used and c["n"] in self.chunks else c),
             "cited": c["n"] in used}
            for c in self.citations
        ]
        return {
            "answer": answer,
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
