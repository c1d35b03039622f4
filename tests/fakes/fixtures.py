"""Reusable pytest fixtures for agent tests; import them into a conftest, e.g.
``from tests.fakes.fixtures import openai_server, llm_config, fake_embedder, no_network  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agents.providers.openai_compat import LLMConfig
from tests.fakes.agent_ports import HashEmbedder
from tests.fakes.netguard import block_non_loopback
from tests.fakes.openai_server import ScriptedOpenAIServer


@pytest.fixture
def openai_server() -> Iterator[ScriptedOpenAIServer]:
    """A started scripted OpenAI-compatible server (stopped after the test)."""
    with ScriptedOpenAIServer() as server:
        yield server


@pytest.fixture
def llm_config(openai_server: ScriptedOpenAIServer) -> LLMConfig:
    """LLM settings pointing at the scripted server: short timeout, 2 retries, no backoff wait."""
    return LLMConfig(
        base_url=openai_server.base_url,
        api_key="test-key",
        model=openai_server.model,
        timeout_s=1.0,
        max_retries=2,
        backoff_s=0.0,
    )


@pytest.fixture
def fake_embedder() -> HashEmbedder:
    """A fast deterministic embedder for the local model."""
    return HashEmbedder()


@pytest.fixture
def no_network() -> Iterator[None]:
    """Block non-loopback connections for the test."""
    undo = block_non_loopback()
    yield
    undo()
