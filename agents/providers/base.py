"""The chat-model provider interface used by the agent loop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel


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
        """The LangChain chat model (tools are bound by the agent loop)."""

    @abstractmethod
    def is_transient(self, exc: BaseException) -> bool:
        """Whether ``exc`` is worth retrying (rate limit, 5xx, timeout, connection drop)."""

    @abstractmethod
    def is_provider_failure(self, exc: BaseException) -> bool:
        """Whether ``exc`` means the provider is unusable for this turn (so fall back), not a bug."""
