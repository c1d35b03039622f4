"""OpenAI-compatible provider (OpenAI, vLLM, Ollama, llama.cpp servers) via ``langchain-openai``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_openai import ChatOpenAI
from openai import AsyncStream
from openai._base_client import make_request_options
from openai.resources.chat.completions import AsyncCompletions
from openai.types.chat import ChatCompletion
from pydantic import SecretStr

from agents.providers.base import ModelProvider, RetryPolicy, StepResult
from agents.providers.openai_stream import ReplyBuilder, StreamingCompletions, request_body


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """Connection settings for an OpenAI-compatible endpoint.

    Attributes:
        base_url: API root, e.g. a hosted provider's ``/v1`` root or ``http://127.0.0.1:8000/v1``.
        api_key: Bearer key (any non-empty string for servers that ignore it).
        model: Model name sent with each request and reported on each answer.
        timeout_s: Per-request timeout (connect and read between streamed chunks).
        max_retries: Retries after the first attempt on 429/5xx/timeouts (ours, not the SDK's).
        backoff_s: First retry delay; doubled on each further retry.
        temperature: Sampling temperature.
    """

    base_url: str
    api_key: str
    model: str
    timeout_s: float = 30.0
    max_retries: int = 2
    backoff_s: float = 0.5
    temperature: float = 0.2


_TRANSIENT = (
    openai.RateLimitError,
    openai.InternalServerError,
    openai.APITimeoutError,
    openai.APIConnectionError,
    httpx.TimeoutException,
    httpx.TransportError,
    asyncio.TimeoutError,
)


_REQUEST_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")


class RawChunkCompletions(AsyncCompletions):
    """``chat.completions`` whose streamed chunks are the decoded JSON objects, not SDK models.

    ``ChatOpenAI`` turns every streamed chunk back into a dict (``model_dump``) before reading it,
    and accepts dicts as they are; building each chunk's pydantic model first, and walking the
    request body against the SDK's parameter types (a no-op for LangChain's plain JSON payload),
    cost about a fifth of a chat turn's server CPU. The HTTP call, its errors (status errors,
    timeouts, an ``error`` object in the stream) and the body sent are the SDK's own.
    Non-streaming calls and ``response_format`` (parsed by the SDK) take the SDK's path unchanged.
    """

    async def create(self, **params: Any) -> Any:  # type: ignore[override]
        """``AsyncCompletions.create``; a streaming call yields ``dict`` chunks."""
        if not params.get("stream") or "response_format" in params:
            return await super().create(**params)
        options = {name: params.pop(name) for name in _REQUEST_OPTIONS if name in params}
        return await self._post(
            "/chat/completions",
            body=params,
            options=make_request_options(**options, security={"bearer_auth": True}),
            cast_to=ChatCompletion,
            stream=True,
            stream_cls=AsyncStream[object],  # object: each chunk is the decoded JSON as is
        )


class OpenAICompatProvider(ModelProvider):
    """``ChatOpenAI`` with the SDK's own retries off: the agent loop retries and falls back instead."""

    def __init__(self, config: LLMConfig) -> None:
        """Create the provider.

        Args:
            config: Endpoint settings.
        """
        self.config = config
        self.model_name = config.model
        self.retry = RetryPolicy(attempts=1 + max(0, config.max_retries), backoff_s=config.backoff_s)
        self._model = ChatOpenAI(
            base_url=config.base_url,
            api_key=SecretStr(config.api_key),
            model=config.model,
            timeout=config.timeout_s,
            max_retries=0,
            temperature=config.temperature,
            streaming=True,
            stream_usage=True,
            # LangChain's per-chunk wait_for wrapper can swallow a task cancellation on Python 3.11
            # (seen in tests: a cancelled stream kept running until the chunk timeout); httpx's
            # read timeout (``timeout``) already bounds a silent server.
            stream_chunk_timeout=None,
        )
        self._model.async_client = RawChunkCompletions(self._model.root_async_client)
        self._completions = StreamingCompletions(self._model.root_async_client, config.timeout_s)

    def chat_model(self) -> BaseChatModel:
        """The configured ``ChatOpenAI`` (the agent loop streams through :meth:`stream_reply` instead)."""
        return self._model

    async def stream_reply(
        self, messages: Sequence[BaseMessage], tools: Sequence[dict[str, Any]], result: StepResult
    ) -> AsyncIterator[str]:
        """One streamed completion: the body ``chat_model().bind_tools(tools)`` would send, read without LangChain."""
        body = request_body(self.config.model, self.config.temperature, messages, tools)
        reply = ReplyBuilder()
        async with aclosing(self._completions.stream(body)) as batches:  # closes the response on cancellation
            async for batch in batches:
                text = "".join([reply.feed(chunk) for chunk in batch])
                if text:
                    yield text
        result.message = reply.message()
        result.usage = reply.usage

    async def aclose(self) -> None:
        """Close the pooled connections to the endpoint."""
        await self._completions.aclose()

    def error_kind(self, exc: BaseException) -> str:
        """The kind of an SDK error (see :meth:`ModelProvider.error_kind`)."""
        if isinstance(exc, openai.APITimeoutError | asyncio.TimeoutError):
            return "timeout"
        if isinstance(exc, openai.APIStatusError):
            return "rate_limit" if exc.status_code == 429 else "server" if exc.status_code >= 500 else "client"
        if isinstance(exc, openai.APIConnectionError | httpx.HTTPError):
            return "connection"
        return "other"

    def is_transient(self, exc: BaseException) -> bool:
        """429, 5xx, timeouts and dropped connections."""
        if isinstance(exc, openai.APIStatusError):
            return exc.status_code == 429 or exc.status_code >= 500
        return isinstance(exc, _TRANSIENT)

    def is_provider_failure(self, exc: BaseException) -> bool:
        """Any API or transport error (also 4xx such as a bad key): the turn falls back."""
        return isinstance(exc, openai.APIError | httpx.HTTPError | asyncio.TimeoutError)
