"""``ModelProvider`` wrapper of the local tutor model."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from agents.providers.base import ModelProvider, RetryPolicy
from agents.providers.local.compose import ComposerConfig
from agents.providers.local.embedding import QueryEmbedder
from agents.providers.local.model import LOCAL_MODEL_NAME, LocalTutorModel


class LocalProvider(ModelProvider):
    """The offline model: never transient, never a provider failure (its errors are bugs)."""

    is_local = True

    def __init__(
        self, embedder: QueryEmbedder, composer: ComposerConfig | None = None, model_name: str = LOCAL_MODEL_NAME
    ) -> None:
        """Create the provider.

        Args:
            embedder: Query embedder (the retrieval embedder; a fast fake in tests).
            composer: Answering weights/threshold; defaults are the calibrated ones.
            model_name: Name reported on answers.
        """
        self.model_name = model_name
        self.retry = RetryPolicy()
        self._model = LocalTutorModel(embedder=embedder, model_name=model_name, composer=composer or ComposerConfig())

    def chat_model(self) -> BaseChatModel:
        """The local model."""
        return self._model

    def is_transient(self, exc: BaseException) -> bool:
        """Never: a local failure would fail again."""
        return False

    def is_provider_failure(self, exc: BaseException) -> bool:
        """Never: there is nothing further to fall back to."""
        return False
