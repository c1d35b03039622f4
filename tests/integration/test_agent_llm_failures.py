"""LLM failures: retry with backoff, then fall back to the local model; cancellation mid-stream."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from agents.events import AgentEvent
from agents.factory import build_agent
from agents.providers.openai_compat import LLMConfig
from tests.fakes import fixtures
from tests.fakes.agent_ports import HashEmbedder, make_world
from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.integration._agent_helpers import HASH_COMPOSER, of_type, run_turn

QUESTION = "How does a for loop repeat code?"

openai_server = fixtures.openai_server
llm_config = fixtures.llm_config


async def test_a_5xx_is_retried_and_the_answer_still_comes_from_the_llm(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    openai_server.reply_error(500)
    openai_server.reply_text("Loops repeat code.")
    _, events = await run_turn(llm_config, QUESTION)
    assert len(openai_server.requests) == 2
    assert of_type(events, "notice") == []
    assert events[-1].data["answer"] == "Loops repeat code." and events[-1].data["model"] == "scripted-model"


@pytest.mark.parametrize("status", [503, 429])
async def test_persistent_failure_falls_back_to_the_local_model_with_a_notice(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig, status: int
) -> None:
    for _ in range(3):
        openai_server.reply_error(status)
    _, events = await run_turn(llm_config, QUESTION)
    assert len(openai_server.requests) == 3  # first try + max_retries=2
    notice = of_type(events, "notice")
    assert len(notice) == 1 and notice[0]["code"] == "fallback" and "local-tutor-v2" in notice[0]["message"]
    done = events[-1].data
    assert done["model"] == "local-tutor-v2" and "[1]" in done["answer"] and not done["incomplete"]
    kinds = [e.type for e in events]
    assert kinds.index("notice") < kinds.index("token")


async def test_timeouts_are_retried_then_fall_back(openai_server: ScriptedOpenAIServer, llm_config: LLMConfig) -> None:
    for _ in range(2):
        openai_server.reply_delay(2.0)
    config = dataclasses.replace(llm_config, timeout_s=0.3, max_retries=1)
    _, events = await run_turn(config, QUESTION)
    assert len(openai_server.requests) == 2
    assert of_type(events, "notice")[0]["code"] == "fallback"
    assert events[-1].data["model"] == "local-tutor-v2"


async def test_a_client_error_is_not_retried(openai_server: ScriptedOpenAIServer, llm_config: LLMConfig) -> None:
    openai_server.reply_error(401)
    _, events = await run_turn(llm_config, QUESTION)
    assert len(openai_server.requests) == 1
    assert events[-1].data["model"] == "local-tutor-v2"


async def test_backoff_doubles_between_retries(openai_server: ScriptedOpenAIServer, llm_config: LLMConfig) -> None:
    for _ in range(3):
        openai_server.reply_error(502)
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    config = dataclasses.replace(llm_config, backoff_s=0.25)
    agent = build_agent(HashEmbedder(), config, composer=HASH_COMPOSER)
    agent._sleep = record
    [e async for e in agent.stream(make_world().deps, [], QUESTION)]
    assert delays == [0.25, 0.5]


async def test_cancelling_mid_stream_propagates_and_closes_the_llm_stream(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    openai_server.reply_hang("Here is the beginning of a long answer")
    agent = build_agent(HashEmbedder(), llm_config, composer=HASH_COMPOSER)
    received: list[AgentEvent] = []
    got_tokens = asyncio.Event()

    async def consume() -> None:
        async for event in agent.stream(make_world().deps, [], QUESTION):
            received.append(event)
            if "".join(e.data["text"] for e in received if e.type == "token").startswith("Here is the"):
                got_tokens.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_tokens.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    partial = "".join(e.data["text"] for e in received if e.type == "token")
    assert partial.startswith("Here is the")
    assert all(e.type != "done" for e in received)
    assert await asyncio.to_thread(openai_server.disconnected.wait, 5)
