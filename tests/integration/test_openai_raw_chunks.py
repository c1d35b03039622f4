"""The provider's streamed calls skip the SDK's per-chunk models but send and read exactly what the SDK does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage, message_chunk_to_message
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from agents.providers.openai_compat import LLMConfig, OpenAICompatProvider, RawChunkCompletions
from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.fakes.openai_tools import SEARCH_TOOL

pytestmark = pytest.mark.asyncio

TOOL = SEARCH_TOOL
MESSAGES = [
    SystemMessage("You are a tutor."),
    HumanMessage("What is a loop?"),
    AIMessage("", tool_calls=[{"id": "call_0", "name": "search_material", "args": {"query": "loop"}}]),
    ToolMessage('{"ok": true, "hits": []}', tool_call_id="call_0", name="search_material"),
]


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedOpenAIServer]:
    with ScriptedOpenAIServer() as server:
        yield server


def _sdk_model(scripted: ScriptedOpenAIServer) -> ChatOpenAI:
    """``ChatOpenAI`` as the provider configures it, on the SDK's own client."""
    return ChatOpenAI(
        base_url=scripted.base_url, api_key=SecretStr("k"), model=scripted.model, timeout=10, max_retries=0,
        temperature=0.2, streaming=True, stream_chunk_timeout=None, stream_usage=True,
    )  # fmt: skip


async def _stream(model: Any) -> AIMessage:
    chunks = [chunk async for chunk in model.bind_tools([TOOL]).astream(MESSAGES)]
    message = message_chunk_to_message(chunks[0] + chunks[1:])
    assert isinstance(message, AIMessage)
    return message


def _provider(scripted: ScriptedOpenAIServer) -> OpenAICompatProvider:
    return OpenAICompatProvider(LLMConfig(base_url=scripted.base_url, api_key="k", model=scripted.model, timeout_s=10))


async def test_same_request_and_same_message_as_the_sdk_path(scripted):
    provider = _provider(scripted)
    assert isinstance(provider.chat_model().async_client, RawChunkCompletions)  # type: ignore[attr-defined]
    scripted.requests.clear()
    results = []
    for model in (_sdk_model(scripted), provider.chat_model()):
        scripted.reply_tool_calls(("search_material", {"query": "for loops", "k": 3}), text="Let me look that up.")
        results.append(await _stream(model))
    sdk, ours = results
    assert scripted.requests[0]["body"] == scripted.requests[1]["body"]
    assert ours.content == sdk.content == "Let me look that up."
    assert ours.tool_calls == sdk.tool_calls
    assert ours.tool_calls[0]["args"] == {"query": "for loops", "k": 3}
    assert ours.response_metadata == sdk.response_metadata
    assert ours.usage_metadata == sdk.usage_metadata


async def test_errors_are_the_sdks_own(scripted):
    model = _provider(scripted).chat_model()
    scripted.replies.clear()
    scripted.reply_error(429)
    with pytest.raises(openai.RateLimitError):
        await _stream(model)
    scripted.reply_error(500)
    with pytest.raises(openai.InternalServerError):
        await _stream(model)


async def test_a_whole_answer_still_takes_the_sdks_path(scripted):
    model = _provider(scripted).chat_model()
    scripted.replies.clear()
    scripted.reply_text("A loop repeats.")
    answer = await model.ainvoke([HumanMessage("What is a loop?")], stream=False)
    assert answer.content == "A loop repeats."
