"""One model call of the agent loop: stream tokens as they arrive, retry transient failures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from typing import Any

from langchain_core.messages import BaseMessage
from opentelemetry.context import Context

from agents.providers.base import ModelProvider, StepResult, chunk_text
from tutor.metrics import LLM_ERRORS, LLM_REQUESTS
from tutor.tracing import mark_error, tracer

Sleep = Callable[[float], Awaitable[None]]

__all__ = ["ProviderDown", "Sleep", "StepResult", "chunk_text", "stream_step"]


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


async def stream_step(
    provider: ModelProvider,
    tools: Sequence[dict[str, Any]],
    messages: Sequence[BaseMessage],
    result: StepResult,
    sleep: Sleep = asyncio.sleep,
    parent: Context | None = None,
) -> AsyncIterator[str]:
    """Yield text deltas of one model call (offering ``tools``) and store the whole message in ``result``.

    Transient failures before any token was streamed are retried with exponential backoff. A
    failure after tokens were streamed is not retried (the client already shows them).

    Each attempt is one ``llm.call`` span (a child of ``parent``, the turn's) and one count in
    ``tutor_llm_requests_total``; a failed attempt also counts in ``tutor_llm_errors_total``.

    Raises:
        ProviderDown: The provider cannot serve this turn.
        asyncio.CancelledError: The consumer went away; the HTTP stream is closed on the way out.
    """
    attempts = max(1, provider.retry.attempts)
    model = provider.model_name
    for attempt in range(attempts):
        streamed = False
        LLM_REQUESTS.labels(model, "tools" if tools else "answer").inc()
        # Not made current: the call's tokens are yielded to code that must not run inside it.
        call = tracer.start_span("llm.call", context=parent, attributes={"llm.model": model, "llm.attempt": attempt})
        try:
            async with aclosing(provider.stream_reply(messages, tools, result)) as stream:  # type: ignore[type-var]
                async for text in stream:
                    streamed = True
                    yield text
        except Exception as exc:
            LLM_ERRORS.labels(model, provider.error_kind(exc)).inc()
            call.record_exception(exc)
            mark_error(call, type(exc).__name__)
            if not (provider.is_transient(exc) or provider.is_provider_failure(exc)):
                raise
            if streamed or not provider.is_transient(exc) or attempt + 1 == attempts:
                raise ProviderDown(exc, partial=streamed) from exc
            await sleep(provider.retry.delay(attempt))
            continue
        finally:
            call.end()
        return
