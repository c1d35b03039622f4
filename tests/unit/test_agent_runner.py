"""The agent loop with an in-process scripted model: step limit, bad tool calls, history budget."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from agents.events import ChatTurn
from agents.history import trim_history
from agents.providers.base import ModelProvider
from agents.runner import AgentConfig, TutorAgent
from tests.fakes.agent_ports import make_world


class QueueModel(BaseChatModel):
    """Streams scripted replies (text, or tool calls given as (name, raw_json_args))."""

    script: list[Any]
    _seen: list[list[BaseMessage]] = PrivateAttr(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "queue"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self.bind(tools=tools)

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        raise NotImplementedError

    async def _astream(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        self._seen.append(list(messages))
        item = self.script.pop(0)
        if isinstance(item, str):
            for word in item.split(" "):
                yield ChatGenerationChunk(message=AIMessageChunk(content=word + " "))
            return
        chunks = [
            {"name": name, "args": args, "id": f"c{i}", "index": i, "type": "tool_call_chunk"}
            for i, (name, args) in enumerate(item)
        ]
        yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))


class QueueProvider(ModelProvider):
    def __init__(self, script: list[Any]) -> None:
        self.model_name = "queue-model"
        self.model = QueueModel(script=script)

    def chat_model(self) -> BaseChatModel:
        return self.model

    def is_transient(self, exc: BaseException) -> bool:
        return False

    def is_provider_failure(self, exc: BaseException) -> bool:
        return False


async def run(script: list[Any], history: list[ChatTurn] | None = None, **config: Any):
    provider = QueueProvider(script)
    agent = TutorAgent(primary=provider, config=AgentConfig(**config))
    events = [e async for e in agent.stream(make_world().deps, history or [], "hello tutor")]
    return provider.model._seen, events


async def test_step_limit_stops_a_model_that_keeps_calling_tools() -> None:
    loop = [("list_courses", "{}")]
    _, events = await run([loop, loop, loop], max_steps=3)
    done = events[-1].data
    assert done["incomplete"] is True
    assert any(e.type == "error" and e.data["code"] == "step_limit" for e in events)
    assert len(done["tool_calls"]) == 2


async def test_unknown_tool_bad_args_and_broken_json_are_reported_back_to_the_model() -> None:
    script = [[("delete_all_users", "{}"), ("get_progress", '{"course_id": 123}'), ("enroll", "not json")], "Sorry."]
    seen, events = await run(script)
    results = {e.data["name"]: e.data for e in events if e.type == "tool_result"}
    assert set(results) == {"delete_all_users", "get_progress", "enroll"}
    assert not any(r["ok"] for r in results.values())
    tool_messages = [m for m in seen[1] if m.type == "tool"]
    codes = {json.loads(str(m.content))["error"]["code"] for m in tool_messages}
    assert codes == {"unknown_tool", "invalid_input"}
    assert events[-1].data["answer"] == "Sorry. " and events[-1].data["incomplete"] is False


async def test_history_is_trimmed_to_the_budget_oldest_first() -> None:
    history = [
        ChatTurn("user", "old question " * 200),
        ChatTurn("assistant", "old answer " * 200),
        ChatTurn("user", "recent question"),
        ChatTurn("assistant", "recent answer"),
    ]
    seen, _ = await run(["Hi."], history=history, history_budget_tokens=100)
    texts = [str(m.content) for m in seen[0]]
    assert texts[1:] == ["recent question", "recent answer", "hello tutor"]


def test_trimmed_history_never_starts_with_an_answer() -> None:
    turns = [ChatTurn("user", "q " * 50), ChatTurn("assistant", "a"), ChatTurn("user", "b"), ChatTurn("assistant", "c")]
    assert trim_history(turns, 12)[0].role == "user"
    assert trim_history(turns, 0) == []


async def test_internal_failure_ends_with_a_safe_error_and_done() -> None:
    class Broken(QueueProvider):
        def chat_model(self) -> BaseChatModel:
            raise RuntimeError("secret internals")

    agent = TutorAgent(primary=Broken([]))
    events = [e async for e in agent.stream(make_world().deps, [], "hi")]
    assert [e.type for e in events] == ["error", "done"]
    assert "secret" not in json.dumps([e.data for e in events]) and events[-1].data["incomplete"]
