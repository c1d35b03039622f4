"""The same conversation rules with an OpenAI-compatible LLM (the scripted server): confirmation, summary, practice."""

from __future__ import annotations

import json
from typing import Any

from agents.deps import PortError
from agents.events import AgentEvent, ChatTurn
from agents.factory import build_agent
from agents.providers.openai_compat import LLMConfig
from tests.fakes import fixtures
from tests.fakes.agent_ports import FakeWorld, HashEmbedder, make_world
from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.fakes.practice_port import EXPLANATION, MemoryPractice
from tests.integration._agent_helpers import HASH_COMPOSER, of_type

openai_server = fixtures.openai_server
llm_config = fixtures.llm_config
PAID = {"id": "c-paid", "title": "Data Wrangling Pro", "description": "", "category": "data", "price": 49.0}


async def turn(
    config: LLMConfig, world: FakeWorld, message: str, pending: dict[str, Any] | None = None, **kwargs: Any
) -> list[AgentEvent]:
    agent = build_agent(HashEmbedder(), config, composer=HASH_COMPOSER)
    history = [ChatTurn("user", "earlier"), ChatTurn("assistant", "earlier answer", pending)] if pending else []
    events = [e async for e in agent.stream(world.deps, history, message, pending=pending, **kwargs)]
    assert events[-1].type == "done"
    return events


def system_prompt(server: ScriptedOpenAIServer, request: int = -1) -> str:
    messages = server.requests[request]["body"]["messages"]
    return str(next(m["content"] for m in messages if m["role"] == "system"))


def tool_payload(server: ScriptedOpenAIServer, request: int = -1) -> dict[str, Any]:
    messages = server.requests[request]["body"]["messages"]
    return dict(json.loads([m for m in messages if m["role"] == "tool"][-1]["content"]))


def paid_world() -> FakeWorld:
    world = make_world()
    world.catalog.courses.append(PAID)
    return world


async def enroll_turn(
    server: ScriptedOpenAIServer, config: LLMConfig, world: FakeWorld, message: str, reply: str,
    pending: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One turn in which the model calls enroll for the paid course, then says ``reply``; the done payload."""
    server.reply_tool_calls(("enroll", {"course_id": "c-paid"}))
    server.reply_text(reply)
    events = await turn(config, world, message, pending)
    return dict(events[-1].data)


async def test_paid_course_needs_a_confirmation_that_the_server_enforces(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    world = paid_world()
    first = await enroll_turn(openai_server, llm_config, world, "Please enroll me in Data Wrangling Pro",
                              "Data Wrangling Pro costs 49.00. Shall I enroll you?")
    assert tool_payload(openai_server)["error"]["code"] == "confirmation_required"
    assert world.enrollment.enrollments == set()
    pending = first["pending"]
    assert pending == {"kind": "enroll_confirm", "course_id": "c-paid", "title": "Data Wrangling Pro", "price": 49.0}

    await enroll_turn(openai_server, llm_config, world, "yes", "Done, you are enrolled.", pending)
    assert "Pending: enroll c-paid" in system_prompt(openai_server, -2)
    assert world.enrollment.enrollments == {("student-1", "c-paid")}


async def test_a_yes_to_a_price_the_model_never_showed_gets_the_price_question_first(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    world = paid_world()
    first = await enroll_turn(openai_server, llm_config, world, "Please enroll me in Data Wrangling Pro",
                              "Shall I enroll you in Data Wrangling Pro?")  # the price left out
    pending = first["pending"]
    assert pending == {"kind": "enroll_confirm", "course_id": "c-paid", "title": "Data Wrangling Pro"}
    second = await enroll_turn(openai_server, llm_config, world, "yes", "It costs 49.00. Shall I go ahead?", pending)
    assert tool_payload(openai_server)["error"]["code"] == "confirmation_required"
    assert world.enrollment.enrollments == set()
    assert second["pending"] == {**pending, "price": 49.0}  # now the price was stated
    await enroll_turn(openai_server, llm_config, world, "yes", "Done, you are enrolled.", second["pending"])
    assert world.enrollment.enrollments == {("student-1", "c-paid")}


async def test_a_yes_with_nothing_pending_enrolls_nobody(openai_server: ScriptedOpenAIServer, llm_config: LLMConfig) -> None:
    world = make_world()
    world.catalog.courses.append(PAID)
    openai_server.reply_tool_calls(("enroll", {"course_id": "c-paid"}))
    openai_server.reply_text("Sorry.")
    await turn(llm_config, world, "yes")
    assert tool_payload(openai_server)["error"]["code"] == "not_requested"
    assert world.enrollment.enrollments == set()


async def test_a_content_question_with_join_cannot_enroll_even_if_the_model_tries(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    world = make_world()
    openai_server.reply_tool_calls(("enroll", {"course_id": "c-python"}))
    openai_server.reply_text("...")
    await turn(llm_config, world, "How do I join two tables in Intro to Python?")
    assert tool_payload(openai_server)["error"]["code"] == "not_requested"
    assert world.enrollment.enrollments == set()


async def test_learner_summary_and_rules_reach_the_llm(openai_server: ScriptedOpenAIServer, llm_config: LLMConfig) -> None:
    world = make_world(learner=True)
    world.progress.records["student-1"] = [
        {"course_id": "c-python", "course_title": "Intro to Python", "progress_percentage": 25.0, "quiz_scores": []}
    ]
    openai_server.reply_text("Hello!")
    await turn(llm_config, world, "hi")
    prompt = system_prompt(openai_server)
    assert "Learner summary" in prompt and "Intro to Python: 25% complete" in prompt
    assert "confirmation_required" in prompt and "reveal or hint at the answer" in " ".join(prompt.split())
    assert "near-topic" in prompt


async def test_practice_through_the_llm_is_graded_on_the_server(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    world = make_world()
    practice = MemoryPractice()
    world.deps.practice = practice
    openai_server.reply_tool_calls(("practice_question", {"topic": "loops"}))
    openai_server.reply_text("Which keyword repeats a block for each item? A) if B) for C) def")
    first = await turn(llm_config, world, "quiz me on loops", mode="socratic")
    shown = tool_payload(openai_server)
    assert "answer" not in shown["question"] and EXPLANATION not in json.dumps(shown)  # no key before answering
    pending = first[-1].data["pending"]
    assert pending and pending["kind"] == "practice" and "answer" not in pending

    openai_server.reply_tool_calls(("check_practice_answer", {"answer": "b", "question_id": "q-other"}))
    openai_server.reply_text("Correct!")
    second = await turn(llm_config, world, "b", pending)
    assert practice.checked and practice.checked[0][1] == pending  # the server's question, not the model's id
    assert tool_payload(openai_server)["result"]["correct"] is True
    assert second[-1].data["pending"] is None


async def test_material_failures_are_explained_truthfully(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    world = make_world()

    async def unreachable(*args: Any) -> Any:
        raise PortError("material_unavailable", "the course material can't be reached right now")

    world.material.search = unreachable  # type: ignore[method-assign,assignment]
    openai_server.reply_tool_calls(("search_course_material", {"query": "loops"}))
    openai_server.reply_text("I can't reach the course material right now.")
    events = await turn(llm_config, world, "how do loops work?")
    assert [n["code"] for n in of_type(events, "notice")] == ["material_unavailable"]
    assert tool_payload(openai_server)["error"]["code"] == "material_unavailable"
