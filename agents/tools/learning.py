"""``get_progress``, ``get_recommendations`` and ``get_weak_areas`` for the current user."""

from __future__ import annotations

from pydantic import BaseModel, Field

from agents.tools.base import ToolOutcome, TurnContext, TutorTool, make_tool

UNAVAILABLE = "learner modeling is not available yet on this server"


class CourseScopeArgs(BaseModel):
    """Optional course scope."""

    course_id: str | None = Field(default=None, description="Limit to one course.")


class NoArgs(BaseModel):
    """No arguments."""


def progress_tool(ctx: TurnContext) -> TutorTool:
    """Build the progress tool bound to this turn."""

    async def handler(course_id: str | None = None) -> ToolOutcome:
        records = await ctx.deps.progress.get_progress(ctx.deps.user.id, course_id)
        return ToolOutcome.success({"progress": records}, f"progress for {len(records)} course(s)")

    return make_tool(
        "get_progress",
        "The student's own progress (lessons completed, quiz scores) in their courses.",
        CourseScopeArgs,
        handler,
    )


def recommendations_tool(ctx: TurnContext) -> TutorTool:
    """Build the recommendations tool bound to this turn."""

    async def handler() -> ToolOutcome:
        if ctx.deps.learner is None:
            return ToolOutcome.failure("unavailable", UNAVAILABLE)
        recs = await ctx.deps.learner.get_recommendations(ctx.deps.user.id)
        return ToolOutcome.success({"recommendations": recs}, "recommendations fetched")

    return make_tool(
        "get_recommendations",
        "Personalised suggestions of what the student should study next.",
        NoArgs,
        handler,
    )


def weak_areas_tool(ctx: TurnContext) -> TutorTool:
    """Build the weak-areas tool bound to this turn."""

    async def handler(course_id: str | None = None) -> ToolOutcome:
        if ctx.deps.learner is None:
            return ToolOutcome.failure("unavailable", UNAVAILABLE)
        areas = await ctx.deps.learner.get_weak_areas(ctx.deps.user.id, course_id)
        return ToolOutcome.success({"weak_areas": areas}, f"{len(areas)} weak area(s)")

    return make_tool(
        "get_weak_areas",
        "Topics or skills where the student's answers show the most difficulty.",
        CourseScopeArgs,
        handler,
    )
