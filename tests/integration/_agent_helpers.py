"""Shared helpers for the agent-vs-scripted-LLM integration tests."""

from __future__ import annotations

from typing import Any

from agents.events import AgentEvent
from agents.factory import build_agent
from agents.providers.local.compose import ComposerConfig
from agents.providers.openai_compat import LLMConfig
from tests.fakes.agent_ports import FakeWorld, HashEmbedder, make_world

HASH_COMPOSER = ComposerConfig(min_strength=0.35, answerability=None)


async def run_turn(
    config: LLMConfig, message: str, world: FakeWorld | None = None, **kwargs: Any
) -> tuple[FakeWorld, list[AgentEvent]]:
    """One turn through the real ChatOpenAI client path (local model as fallback)."""
    world = world or make_world()
    agent = build_agent(HashEmbedder(), config, composer=HASH_COMPOSER)
    events = [e async for e in agent.stream(world.deps, [], message, **kwargs)]
    assert events[-1].type == "done"
    return world, events


def of_type(events: list[AgentEvent], kind: str) -> list[dict[str, Any]]:
    """Payloads of one event type."""
    return [e.data for e in events if e.type == kind]
