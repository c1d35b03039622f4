"""Agent + real ChatOpenAI client against the scripted OpenAI-compatible server: the tool loop."""

from __future__ import annotations

import json

from langchain_openai import ChatOpenAI

from agents.providers.openai_compat import LLMConfig
from tests.fakes import fixtures
from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.integration._agent_helpers import of_type, run_turn

openai_server = fixtures.openai_server
llm_config = fixtures.llm_config


async def test_multi_step_tool_loop_enrolls_and_streams_the_answer(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    openai_server.reply_tool_calls(("list_courses", {"filters": {}}))
    openai_server.reply_tool_calls(("enroll", {"course_id": "c-python"}))
    openai_server.reply_text("Done! You are now enrolled in Intro to Python.", gap_s=0.01)  # word after word
    world, events = await run_turn(llm_config, "Please enroll me in Intro to Python")

    assert [c["name"] for c in of_type(events, "tool_call")] == ["list_courses", "enroll"]
    assert all(r["ok"] for r in of_type(events, "tool_result"))
    assert world.enrollment.enrollments == {("student-1", "c-python")}
    assert len(of_type(events, "token")) > 3  # streamed word by word, not buffered
    done = events[-1].data
    assert done["answer"] == "Done! You are now enrolled in Intro to Python."
    assert done["model"] == "scripted-model" and not done["incomplete"]

    bodies = [r["body"] for r in openai_server.requests]
    assert len(bodies) == 3 and all(b["stream"] for b in bodies)
    assert {t["function"]["name"] for t in bodies[0]["tools"]} >= {"search_course_material", "enroll"}
    last_tool = [m for m in bodies[2]["messages"] if m["role"] == "tool"][-1]
    assert json.loads(last_tool["content"])["enrolled"] is True
    assert openai_server.requests[0]["headers"]["authorization"] == "Bearer test-key"


async def test_streamed_parallel_tool_calls_are_assembled(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    openai_server.reply_tool_calls(
        ("search_course_material", {"query": "how do for loops repeat code", "course_id": "c-python"}),
        ("get_progress", {"course_id": "c-python"}),
    )
    openai_server.reply_text("A for loop repeats code for each item [1].")
    _, events = await run_turn(llm_config, "How do for loops work, and how am I doing?")
    calls = of_type(events, "tool_call")
    assert calls[0]["args"] == {"query": "how do for loops repeat code", "course_id": "c-python"}
    assert calls[1] == {"id": "call_1_get_progress", "name": "get_progress", "args": {"course_id": "c-python"}}
    assert of_type(events, "citation")[0]["citation"]["lesson_id"] == "l-loops"
    assert events[-1].data["citations"][0]["cited"] is True


async def test_tool_error_is_returned_to_the_model_which_recovers(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    openai_server.reply_tool_calls(("enroll", {"course_id": "Quantum Cooking"}))
    openai_server.reply_text("I couldn't find a course called Quantum Cooking.")
    world, events = await run_turn(llm_config, "enroll me in Quantum Cooking")
    result = of_type(events, "tool_result")[0]
    assert result["ok"] is False and "no published course" in result["summary"]
    tool_msg = next(m for m in openai_server.requests[1]["body"]["messages"] if m["role"] == "tool")
    assert json.loads(tool_msg["content"])["error"]["code"] == "not_found"
    assert world.enrollment.enrollments == set()
    assert events[-1].data["answer"].startswith("I couldn't find")


async def test_socratic_mode_and_history_reach_the_model(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    openai_server.reply_text("What do you think happens on each pass?")
    _, events = await run_turn(llm_config, "Explain loops", mode="socratic")
    system = openai_server.requests[0]["body"]["messages"][0]
    assert system["role"] == "system" and "Never reveal quiz" in system["content"]
    assert events[-1].data["prompt_version"].startswith("p")


async def test_scripted_server_also_answers_non_streaming_requests(
    openai_server: ScriptedOpenAIServer, llm_config: LLMConfig
) -> None:
    openai_server.reply_text("plain reply")
    model = ChatOpenAI(base_url=llm_config.base_url, api_key="k", model="m", max_retries=0)
    assert (await model.ainvoke("hi")).content == "plain reply"
    assert openai_server.requests[0]["body"].get("stream") in (None, False)
