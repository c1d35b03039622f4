"""``practice_question`` and ``check_practice_answer``: one quiz question in chat, graded on the server.

The question asked is remembered server-side (``ctx.next_pending``, stored on the assistant message)
and handed back as ``ctx.pending`` with the student's next message; the model never supplies a
question id, and no result shows the answer key before the student's answer is graded.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agents.tools.base import ToolOutcome, TurnContext, TutorTool, make_tool
from agents.tools.catalog import resolve_course

NO_PENDING = "there is no practice question waiting; ask for one first"
ALREADY_GRADED = "this practice answer was already graded; ask for a new question"
UNAVAILABLE = "practice questions are not available on this server"


class PracticeQuestionArgs(BaseModel):
    """Arguments of ``practice_question``."""

    model_config = ConfigDict(extra="ignore")

    topic: str | None = Field(
        default=None, max_length=200, description="What to practise, e.g. 'loops'; omit for the weakest skill."
    )
    course_id: str | None = Field(
        default=None, max_length=200, description="Course id or title; omit for the chat's course."
    )


class CheckAnswerArgs(BaseModel):
    """Arguments of ``check_practice_answer``; the question is the one the server has pending."""

    model_config = ConfigDict(extra="ignore")

    answer: str = Field(min_length=1, max_length=2000, description="The student's reply, verbatim.")


def practice_tools(ctx: TurnContext) -> list[TutorTool]:
    """Both practice tools bound to this turn (they share whether this turn already graded an answer)."""
    graded: list[dict[str, Any]] = []

    async def ask(topic: str | None = None, course_id: str | None = None) -> ToolOutcome:
        if ctx.deps.practice is None:
            return ToolOutcome.failure("unavailable", UNAVAILABLE)
        target = await _course(ctx, course_id)
        question = await ctx.deps.practice.next_question(ctx.deps.user.id, target, (topic or "").strip() or None)
        ctx.next_pending = {
            "kind": "practice",
            "course_id": question["course_id"],
            "lesson_id": question["lesson_id"],
            "question_id": question["question_id"],
        }
        label = question.get("lesson_title") or question["lesson_id"]
        return ToolOutcome.success({"question": question}, f"practice question from {label}")

    async def check(answer: str) -> ToolOutcome:
        if ctx.deps.practice is None:
            return ToolOutcome.failure("unavailable", UNAVAILABLE)
        pending = ctx.pending
        if pending is None or pending.get("kind") != "practice":
            return ToolOutcome.failure("no_pending_practice", NO_PENDING)
        if graded:
            return ToolOutcome.failure("already_graded", ALREADY_GRADED)
        result = await ctx.deps.practice.check(ctx.deps.user.id, dict(pending), answer)
        if result.get("status") == "not_an_answer":
            ctx.next_pending = dict(pending)  # keep the question waiting for a real answer
            return ToolOutcome.success({"result": result}, "not an answer; asking again")
        graded.append(result)
        if ctx.next_pending == pending:
            ctx.next_pending = None
        return ToolOutcome.success({"result": result}, f"practice answer {result.get('status', 'graded')}")

    return [
        make_tool(
            "practice_question",
            "Ask the student ONE practice question from their course's quiz bank (weakest matching skill "
            "first). Show the prompt and lettered choices; never guess or reveal the answer.",
            PracticeQuestionArgs,
            ask,
        ),
        make_tool(
            "check_practice_answer",
            "Grade the student's reply to the practice question asked in the previous turn (the server "
            "knows which question). Pass the student's reply verbatim.",
            CheckAnswerArgs,
            check,
        ),
    ]


async def _course(ctx: TurnContext, reference: str | None) -> str | None:
    """The course to practise: a named one (id or title), else the chat's course, else all enrolled ones."""
    if not reference or not reference.strip():
        return ctx.course_id
    course = await resolve_course(ctx, reference.strip())
    return str(course["id"]) if course else reference.strip()
