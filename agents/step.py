"""One model call of the agent loop: stream tokens as they arrive, retry transient failures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, message_chunk_to_message
from langchain_core.runnables import Runnable

from agents.providers.base import ModelProvider

Sleep = Callable[[float], Awaitable[None]]


class ProviderDown(Exception):
    """The provider failed for this turn (retries exhausted or a non-transient API error).

    Attributes:
        cause: The last underlying exception.
        partial: Whether tokens of this answer had already been streamed.
    """

    def __init__(self, cause: BaseException, partial: bool) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause
        self.partial = partial


@dataclass(slots=True)
class StepResult:
    """Filled in by :func:`stream_step` once the model call completed."""

    message: AIMessage | None = None


def chunk_text(chunk: AIMessageChunk) -> str:
    """Text carried by a streamed chunk (string content, or text blocks of list content)."""
    content = chunk.content
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")


async def stream_step(
    provider: ModelProvider,
    runnable: Runnable[LanguageModelInput, Any],
    messages: Sequence[BaseMessage],
    result: StepResult,
    sleep: Sleep = asyncio.sleep,
) -> AsyncIterator[str]:
    """Yield text deltas of one model call and store the aggregated message in ``result``.

    Transient failures before any token was streamed are retried with exponential backoff. A
    failure after tokens were streamed is not retried (the client already shows them).

    Raises:
        ProviderDown: The provider cannot serve this turn.
        asyncio.CancelledError: The consumer went away; the HTTP stream is closed on the way out.
    """
    attempts = max(1, provider.retry.attempts)
    for attempt in range(attempts):
        streamed = False
        # Merged once at the end: adding each chunk to a running total rebuilds the message every time.
        chunks: list[AIMessageChunk] = []
        try:
            # aclosing: on cancellation the HTTP response is closed now, not whenever GC runs.
            async with aclosing(runnable.astream(list(messages))) as stream:  # type: ignore[type-var]
                async for chunk in stream:
                    if not isinstance(chunk, AIMessageChunk):
                        continue
                    chunks.append(chunk)
                    text = chunk_text(chunk)
                    if text:
                        streamed = True
                        yield text
        except Exception as exc:
            if not (provider.is_transient(exc) or provider.is_provider_failure(exc)):
                raise
            if streamed or not provider.is_transient(exc) or attempt + 1 == attempts:
                raise ProviderDown(exc, partial=streamed) from exc
            await sleep(provider.retry.delay(attempt))
            continue
        aggregate = chunks[0] + chunks[1:] if len(chunks) > 1 else chunks[0] if chunks else None
        final = message_chunk_to_message(aggregate) if aggregate is not None else AIMessage(content="")
        result.message = final if isinstance(final, AIMessage) else AIMessage(content=final.content)
        return
