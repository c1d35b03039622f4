"""The chat-model provider interface used by the agent loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, message_chunk_to_message


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a provider's transient failures are retried.

    Attributes:
        attempts: Total tries per model call (1 = no retry).
        backoff_s: Delay before the first retry; doubled for each further retry.
    """

    attempts: int = 1
    backoff_s: float = 0.0

    def delay(self, retry_index: int) -> float:
        """Seconds to wait before retry number ``retry_index`` (0-based): exponential backoff."""
        return float(self.backoff_s * (2**retry_index))


@dataclass(slots=True)
class StepResult:
    """Filled in by a model call once it completed: the whole assistant message."""

    message: AIMessage | None = None
    usage: tuple[int, int] | None = None  # (prompt, completion) tokens as the provider reported them


def chunk_text(chunk: AIMessageChunk) -> str:
    """Text carried by a streamed chunk (string content, or text blocks of list content)."""
    content = chunk.content
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")


class ModelProvider(ABC):
    """A chat model plus the knowledge of how it fails.

    Attributes:
        model_name: Name reported on each answer (``done.model``).
        retry: Retry policy for transient failures.
        is_local: True for the offline local model (the fallback of last resort).
    """

    model_name: str
    retry: RetryPolicy = RetryPolicy()
    is_local: bool = False

    @abstractmethod
    def chat_model(self) -> BaseChatModel:
        """The LangChain chat model (tools are bound by :meth:`stream_reply`)."""

    @abstractmethod
    def is_transient(self, exc: BaseException) -> bool:
        """Whether ``exc`` is worth retrying (rate limit, 5xx, timeout, connection drop)."""

    @abstractmethod
    def is_provider_failure(self, exc: BaseException) -> bool:
        """Whether ``exc`` means the provider is unusable for this turn (so fall back), not a bug."""

    async def aclose(self) -> None:
        """Release connections the provider holds (nothing by default)."""
        return None

    def error_kind(self, exc: BaseException) -> str:
        """A failed call's kind for the error metric: ``timeout``, ``rate_limit``, ``server``, ``connection``,
        ``client`` (a 4xx, e.g. a bad key) or ``other``."""
        if isinstance(exc, TimeoutError):
            return "timeout"
        return "other"

    async def stream_reply(
        self, messages: Sequence[BaseMessage], tools: Sequence[dict[str, Any]], result: StepResult
    ) -> AsyncIterator[str]:
        """One model call: yield text deltas as they arrive, then leave the whole message in ``result``.

        The default streams :meth:`chat_model` through LangChain, with ``tools`` (OpenAI tool
        schemas) bound when there are any. Cancelling the consumer closes the model stream.
        """
        model = self.chat_model()
        runnable = model.bind_tools(list(tools)) if tools else model
        # Merged once at the end: adding each chunk to a running total rebuilds the message every time.
        chunks: list[AIMessageChunk] = []
        # aclosing: on cancellation the HTTP response is closed now, not whenever GC runs.
        async with aclosing(runnable.astream(list(messages))) as stream:  # type: ignore[type-var]
            async for chunk in stream:
                if not isinstance(chunk, AIMessageChunk):
                    continue
                chunks.append(chunk)
                text = chunk_text(chunk)
                if text:
                    yield text
        aggregate = chunks[0] + chunks[1:] if len(chunks) > 1 else chunks[0] if chunks else None
        final = message_chunk_to_message(aggregate) if aggregate is not None else AIMessage(content="")
        result.message = final if isinstance(final, AIMessage) else AIMessage(content=final.content)
        meta = result.message.usage_metadata
        if meta:
            result.usage = (int(meta.get("input_tokens", 0)), int(meta.get("output_tokens", 0)))
