"""Conversation history: trimming to a token budget and conversion to LangChain messages."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.events import ChatTurn

_PIECE = re.compile(r"\w+|[^\w\s]")


def approx_tokens(text: str) -> int:
    """Approximate LLM token count (words and punctuation x 1.3), with no tokenizer download."""
    return math.ceil(len(_PIECE.findall(text)) * 1.3)


def trim_history(turns: Sequence[ChatTurn], budget_tokens: int) -> list[ChatTurn]:
    """The most recent turns whose approximate token count fits ``budget_tokens``.

    The kept window starts with a user turn so the model never sees an answer without its question.
    """
    kept: list[ChatTurn] = []
    used = 0
    for turn in reversed(turns):
        cost = approx_tokens(turn.content) + 4  # a few tokens of per-message overhead
        if used + cost > budget_tokens:
            break
        kept.append(turn)
        used += cost
    kept.reverse()
    while kept and kept[0].role != "user":
        kept.pop(0)
    return kept


def to_messages(turns: Sequence[ChatTurn]) -> list[BaseMessage]:
    """LangChain messages for the turns."""
    return [HumanMessage(t.content) if t.role == "user" else AIMessage(t.content) for t in turns]
