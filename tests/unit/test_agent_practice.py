"""Practice tools and replies: pending set and cleared on the server, no answer key before grading."""

from __future__ import annotations

import json
from typing import Any

from agents.guardrails import ActionPolicy
from agents.providers.local.practice_replies import question_reply, result_reply
from agents.tools import TurnContext, build_tools
from tests.fakes.agent_ports import make_world
from tests.fakes.practice_port import EXPLANATION, QUESTION, MemoryPractice

PENDING = {"kind": "practice", "course_id": "c-python", "lesson_id": "l-loops", "question_id": "q-loops-1"}


def _turn(pending: dict[str, Any] | None = None, course_id: str | None = None, user: str = "student-1"):
    world = make_world(user)
    practice = MemoryPractice()
    world.deps.practice = practice
    ctx = TurnContext(deps=world.deps, policy=ActionPolicy("quiz me"), course_id=course_id, pending=pending)
    return ctx, practice, build_tools(ctx)


async def test_asking_leaves_the_question_pending_without_its_answer() -> None:
    ctx, practice, tools = _turn(course_id="c-python")
    outcome = await tools["practice_question"].run({"topic": " loops "})
    assert outcome.ok
    assert ctx.next_pending == PENDING
    assert practice.asked == [("student-1", "c-python", "loops")]
    question = outcome.data["question"]
    assert question["prompt"] == QUESTION["prompt"] and question["choices"] == ["if", "for", "def"]
    assert "answer" not in question and EXPLANATION not in outcome.content


async def test_asking_resolves_a_course_title_and_ignores_a_user_id() -> None:
    _, practice, tools = _turn()
    args = {"course_id": "Intro to Python", "user_id": "mallory"}
    assert (await tools["practice_question"].run(args)).ok
    assert practice.asked == [("student-1", "c-python", None)]


async def test_checking_grades_the_pending_question_and_clears_it() -> None:
    ctx, practice, tools = _turn(pending=PENDING)
    outcome = await tools["check_practice_answer"].run({"answer": "b"})
    assert outcome.ok and outcome.data["result"]["correct"] is True
    assert practice.checked == [("student-1", PENDING, "b")]
    assert ctx.next_pending is None
    again = await tools["check_practice_answer"].run({"answer": "c"})
    assert not again.ok and again.data["error"]["code"] == "already_graded"
    assert len(practice.checked) == 1


async def test_the_model_cannot_choose_the_question() -> None:
    _, practice, tools = _turn(pending=PENDING)
    args = {"answer": "a", "question_id": "q-other", "course_id": "c-ml", "user_id": "mallory"}
    assert (await tools["check_practice_answer"].run(args)).ok
    assert practice.checked == [("student-1", PENDING, "a")]


async def test_checking_without_a_pending_question_fails_clearly() -> None:
    for pending in (None, {"kind": "enroll_confirm", "course_id": "c-ml"}):
        _, practice, tools = _turn(pending=pending)
        outcome = await tools["check_practice_answer"].run({"answer": "b"})
        assert not outcome.ok
        assert json.loads(outcome.content)["error"] == {
            "code": "no_pending_practice",
            "message": "there is no practice question waiting; ask for one first",
        }
        assert practice.checked == []


async def test_a_non_answer_keeps_the_question_pending() -> None:
    ctx, _, tools = _turn(pending=PENDING)
    outcome = await tools["check_practice_answer"].run({"answer": "idk"})
    assert outcome.ok and outcome.data["result"]["status"] == "not_an_answer"
    assert ctx.next_pending == PENDING
    assert "explanation" not in outcome.data["result"]
    assert (await tools["check_practice_answer"].run({"answer": "for"})).data["result"]["correct"] is True
    assert ctx.next_pending is None


async def test_practice_tools_need_a_practice_port() -> None:
    world = make_world()
    tools = build_tools(TurnContext(deps=world.deps, policy=ActionPolicy("quiz me")))
    assert "practice_question" not in tools and "check_practice_answer" not in tools


async def test_question_reply_shows_lettered_choices_and_no_answer() -> None:
    _, _, tools = _turn(course_id="c-python")
    outcome = await tools["practice_question"].run({"topic": "loops"})
    assert question_reply(outcome.data) == (
        'Here\'s a practice question on Loops (from the lesson "Loops"):\n\n'
        "Which keyword repeats a block for each item?\n\nA) if\nB) for\nC) def\n\n"
        "Reply with the letter of your answer."
    )
    unmatched = {"ok": True, "question": {**QUESTION, "topic": "recursion", "topic_matched": False}}
    text = question_reply(unmatched)
    assert text.startswith('I couldn\'t find practice questions on "recursion" in Intro to Python')
    assert "Loops" in text and EXPLANATION not in text
    no_label = {"ok": True, "question": {**QUESTION, "skill": "python.loop_control", "skill_label": None}}
    assert "on Loop control" in question_reply(no_label)


async def test_result_reply_explains_and_cites_the_lesson() -> None:
    _, _, tools = _turn(pending=PENDING)
    wrong = await tools["check_practice_answer"].run({"answer": "a"})
    text = result_reply(wrong.data)
    assert text.startswith("Not quite: the answer is B) for.")
    assert EXPLANATION in text and 'lesson "Loops" of Intro to Python' in text
    _, _, tools = _turn(pending=PENDING)
    assert result_reply((await tools["check_practice_answer"].run({"answer": "b"})).data).startswith("Correct!")
    _, _, tools = _turn(pending=PENDING)
    again = result_reply((await tools["check_practice_answer"].run({"answer": "idk"})).data)
    assert "haven't marked it" in again and "Which keyword" in again and "A) if\nB) for" in again
    assert EXPLANATION not in again
    _, _, tools = _turn()
    missing = result_reply((await tools["check_practice_answer"].run({"answer": "b"})).data)
    assert "no practice question waiting" in missing
