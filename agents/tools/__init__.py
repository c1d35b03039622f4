"""The tutor agent's tools, built per turn around a :class:`TurnContext`."""

from __future__ import annotations

from agents.tools.base import ToolOutcome, TurnContext, TutorTool
from agents.tools.catalog import enroll_tool, list_courses_tool
from agents.tools.learning import progress_tool, recommendations_tool, weak_areas_tool
from agents.tools.material import search_tool
from agents.tools.practice import practice_tools

__all__ = ["ToolOutcome", "TurnContext", "TutorTool", "build_tools"]


def build_tools(ctx: TurnContext) -> dict[str, TutorTool]:
    """All tools for one turn, by name. Learner and practice tools only when their ports exist."""
    tools = [search_tool(ctx), list_courses_tool(ctx), enroll_tool(ctx), progress_tool(ctx)]
    if ctx.deps.learner is not None:
        tools += [recommendations_tool(ctx), weak_areas_tool(ctx)]
    if ctx.deps.practice is not None:
        tools += practice_tools(ctx)
    return {t.name: t for t in tools}
