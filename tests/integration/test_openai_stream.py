"""The provider's own streamed path (no LangChain) sends what ``ChatOpenAI`` sends and reads the same message."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    message_chunk_to_message,
)
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from agents.providers.base import StepResult
from agents.providers.openai_compat import LLMConfig, OpenAICompatProvider
from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.fakes.openai_tools import SEARCH_TOOL

pytestmark = pytest.mark.asyncio

TOOL = SEARCH_TOOL


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedOpenAIServer]:
    with ScriptedOpenAIServer() as server:
        yield server


def _provider(scripted: ScriptedOpenAIServer) -> OpenAICompatProvider:
    return OpenAICompatProvider(LLMConfig(base_url=scripted.base_url, api_key="k", model=scripted.model, timeout_s=10))


async def _lean(provider: OpenAICompatProvider, messages: list[BaseMessage], tools: list[Any]) -> tuple[AIMessage, list[str]]:
    result = StepResult()
    texts = [text async for text in provider.stream_reply(messages, tools, result)]
    assert result.message is not None
    return result.message, texts


async def _langchain(scripted: ScriptedOpenAIServer, messages: list[BaseMessage], tools: list[Any]) -> AIMessage:
    model = ChatOpenAI(base_url=scripted.base_url, api_key=SecretStr("k"), model=scripted.model, timeout=10,
                       max_retries=0, temperature=0.2, streaming=True, stream_chunk_timeout=None, stream_usage=True)  # fmt: skip
    runnable = model.bind_tools(tools) if tools else model
    chunks = [chunk async for chunk in runnable.astream(messages)]
    message = message_chunk_to_message(functools.reduce(operator.add, chunks))
    assert isinstance(message, AIMessage)
    return message


async def test_a_tool_loop_sends_the_same_bodies_and_reads_the_same_messages_as_chat_openai(scripted):
    provider = _provider(scripted)
    first = [SystemMessage("You are a tutor."), HumanMessage("What is a loop?")]
    scripted.replies.clear()
    scripted.requests.clear()
    replies: list[AIMessage] = []
    for run in ("langchain", "lean"):
        scripted.reply_tool_calls(("search_material", {"query": "for loops", "k": 3}), text="Let me look that up.")
        ai = await _langchain(scripted, first, [TOOL]) if run == "langchain" else (await _lean(provider, first, [TOOL]))[0]
        replies.append(ai)
        # The second step carries the assistant's tool call and its result, and offers no tools.
        scripted.reply_text("A loop repeats a block.")
        second = [*first, ai, ToolMessage('{"ok": true, "hits": []}', tool_call_id=ai.tool_calls[0]["id"],
                                          name="search_material")]  # fmt: skip
        replies.append(await _langchain(scripted, second, []) if run == "langchain" else (await _lean(provider, second, []))[0])
    bodies = [r["body"] for r in scripted.requests]
    assert bodies[0] == bodies[2] and bodies[1] == bodies[3]
    assert "tools" in bodies[0] and "tools" not in bodies[1]
    sdk_call, sdk_answer, lean_call, lean_answer = replies
    assert lean_call.content == sdk_call.content == "Let me look that up."
    assert lean_call.tool_calls == sdk_call.tool_calls
    assert lean_call.tool_calls[0]["args"] == {"query": "for loops", "k": 3}
    assert lean_answer.content == sdk_answer.content == "A loop repeats a block."
    assert lean_answer.tool_calls == [] and lean_answer.invalid_tool_calls == []
    assert scripted.requests[2]["headers"]["authorization"] == "Bearer k"
    await provider.aclose()


async def test_text_arrives_piece_by_piece(scripted):
    provider = _provider(scripted)
    scripted.replies.clear()
    scripted.reply_text("Loops repeat a block of code.", gap_s=0.02)  # as a model writes: word after word
    message, texts = await _lean(provider, [HumanMessage("loops?")], [TOOL])
    assert len(texts) > 3 and "".join(texts) == message.content == "Loops repeat a block of code."
    # Words that arrive together are handed on together (one event and one write downstream, not one per word).
    scripted.reply_text("Loops repeat a block of code.", burst=True)
    message, texts = await _lean(provider, [HumanMessage("loops?")], [TOOL])
    assert texts == [message.content] == ["Loops repeat a block of code."]
    await provider.aclose()


@pytest.mark.parametrize(
    ("status", "error"),
    [(429, openai.RateLimitError), (500, openai.InternalServerError), (401, openai.AuthenticationError)],
)
async def test_http_errors_are_the_sdks_classes(scripted, status, error):
    provider = _provider(scripted)
    scripted.replies.clear()
    scripted.reply_error(status)
    with pytest.raises(error) as raised:
        await _lean(provider, [HumanMessage("loops?")], [])
    assert raised.value.status_code == status
    assert provider.is_transient(raised.value) is (status != 401)
    await provider.aclose()


async def test_an_unreachable_endpoint_is_a_connection_error():
    from app.embedded.process import free_port

    provider = OpenAICompatProvider(LLMConfig(base_url=f"http://127.0.0.1:{free_port()}/v1", api_key="k", model="m"))
    with pytest.raises(openai.APIConnectionError) as raised:
        await _lean(provider, [HumanMessage("loops?")], [])
    assert provider.is_transient(raised.value) and provider.is_provider_failure(raised.value)
    await provider.aclose()
