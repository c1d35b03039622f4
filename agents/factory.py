"""Build a ``TutorAgent`` from settings-level inputs."""

from __future__ import annotations

from agents.providers.base import ModelProvider
from agents.providers.local.compose import ComposerConfig
from agents.providers.local.embedding import QueryEmbedder
from agents.providers.local.provider import LocalProvider
from agents.providers.openai_compat import LLMConfig, OpenAICompatProvider
from agents.runner import AgentConfig, TutorAgent


def build_agent(
    embedder: QueryEmbedder,
    llm: LLMConfig | None = None,
    config: AgentConfig | None = None,
    composer: ComposerConfig | None = None,
) -> TutorAgent:
    """The production agent.

    Args:
        embedder: The retrieval embedder (``RetrievalService.embedder``), used by the local model.
        llm: OpenAI-compatible endpoint; ``None`` (no LLM configured) makes the local model primary.
        config: Loop limits.
        composer: Local-model answering weights/threshold (defaults are the calibrated ones).

    Returns:
        An agent whose primary is the LLM when configured, with the local model as fallback.
    """
    local = LocalProvider(embedder, composer)
    primary: ModelProvider = OpenAICompatProvider(llm) if llm is not None else local
    return TutorAgent(primary=primary, fallback=local if llm is not None else None, config=config)
