"""``list_courses`` and ``enroll``: the catalogue and enrollment of the current user."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from agents.catalog_match import find_courses, match_course
from agents.guardrails import has_enroll_intent
from agents.tools.base import ToolOutcome, TurnContext, TutorTool, make_tool
from tutor.cpu import run_cpu

MAX_LISTED = 20
SEARCH_CHARS = 4000  # as long as a chat message: the offline model searches with the student's words
_THIS_COURSE = frozenset({"this course", "this", "it", "this one", "the course", "current course"})
SUMMARY_FIELDS = ("id", "title", "description", "category", "difficulty_level", "tags", "price")


class CourseFilters(BaseModel):
    """Optional catalogue filters."""

    category: str | None = Field(default=None, description="Course category, e.g. 'programming'.")
    difficulty_level: str | None = Field(default=None, description="beginner, intermediate or advanced.")
    search: str | None = Field(
        default=None, max_length=SEARCH_CHARS, description="A course name or words to look for; best match first."
    )


class ListCoursesArgs(BaseModel):
    """Arguments of ``list_courses``."""

    filters: CourseFilters = Field(default_factory=CourseFilters)


class EnrollArgs(BaseModel):
    """Arguments of ``enroll``."""

    course_id: str = Field(min_length=1, max_length=200, description="Course id, or the course title.")


def _summary(course: dict[str, Any]) -> dict[str, Any]:
    out = {key: course.get(key) for key in SUMMARY_FIELDS if key in course}
    description = out.get("description")
    if isinstance(description, str) and len(description) > 300:
        out["description"] = description[:297] + "..."
    return out


def _withdraw_offer(ctx: TurnContext) -> None:
    """An offer an earlier catalogue call of this turn made is void once the turn lists or enrolls again
    (the search tool's offer to enroll in the course the student is not enrolled in stays)."""
    pending = ctx.next_pending
    if pending is not None and pending.get("kind") == "enroll_offer" and pending.get("via") == "list_courses":
        ctx.next_pending = None


def _offer(ctx: TurnContext, course: dict[str, Any]) -> dict[str, Any]:
    """The one course a request to enroll comes close to naming: offered, so that a "yes" in the next
    message enrolls in it (a paid course's offer names its price, and that "yes" confirms it)."""
    offer = {"course_id": str(course["id"]), "title": course.get("title", course["id"]),
             "price": float(course.get("price") or 0)}
    ctx.next_pending = {"kind": "enroll_offer", "via": "list_courses", **offer}
    return offer


def list_courses_tool(ctx: TurnContext) -> TutorTool:
    """Build the catalogue tool bound to this turn."""

    async def handler(filters: dict[str, Any]) -> ToolOutcome:
        _withdraw_offer(ctx)
        wanted = {k: v for k, v in filters.items() if v and k != "search"}
        courses = await ctx.deps.catalog.list_courses(wanted) if wanted else await ctx.courses()
        search = filters.get("search")
        named: dict[str, Any] = {}
        if isinstance(search, str) and search.strip():
            courses, match = await run_cpu(find_courses, search, courses, await ctx.courses())
            named = {"named": _summary(match.course) if match else None}
            # only over the whole catalogue: a filter may have hidden the course the student named
            if match is None and len(courses) == 1 and not wanted and has_enroll_intent(ctx.policy.student_message):
                named["offered"] = _offer(ctx, courses[0])
        listed = [_summary(c) for c in courses[:MAX_LISTED]]
        data = {"courses": listed, "total": len(courses), **named}
        return ToolOutcome.success(data, f"{len(courses)} course(s) listed")

    return make_tool(
        "list_courses",
        f"List published courses in the catalogue (at most {MAX_LISTED}, with the total), optionally filtered by "
        "category or difficulty; `search` finds courses by name or words, best match first, and `named` is "
        "the course those words name unambiguously (null when none stands out); when a request to enroll "
        "comes close to one course only, it is `offered`: ask the student whether they mean it (with its price "
        "when it has one), and a yes in their next message enrolls them.",
        ListCoursesArgs,
        handler,
    )


async def resolve_course(ctx: TurnContext, reference: str) -> dict[str, Any] | None:
    """Find a catalogue course by exact id, else by (fuzzy) title."""
    courses = await ctx.courses()
    if reference.strip().lower() in _THIS_COURSE and ctx.course_id:
        reference = ctx.course_id
    for course in courses:
        if str(course.get("id")) == reference:
            return course
    match = await run_cpu(match_course, reference, courses)
    return match.course if match else None


def enroll_tool(ctx: TurnContext) -> TutorTool:
    """Build the enrollment tool bound to this turn (acts for ``deps.user`` only)."""

    async def handler(course_id: str) -> ToolOutcome:
        _withdraw_offer(ctx)
        course = await resolve_course(ctx, course_id)
        if course is None:
            return ToolOutcome.failure("not_found", f"no published course matches '{course_id}'")
        refusal = await run_cpu(ctx.policy.check_enroll, course, await ctx.courses())
        if refusal is not None:
            shown = f"not done: your message did not ask for {course.get('title', course['id'])}"
            return ToolOutcome.failure("not_requested", refusal, summary=shown)
        if ctx.policy.needs_confirmation(course):
            price = float(course.get("price") or 0)
            details = {"course_id": str(course["id"]), "title": course.get("title", course["id"]), "price": price}
            ctx.next_pending = {"kind": "enroll_confirm", **details}
            return ToolOutcome.failure(
                "confirmation_required",
                f"'{details['title']}' costs {price:.2f}: ask the student to confirm, and enroll only if their "
                "next message says yes",
                details,
                summary=f"waiting for your yes: {details['title']} costs {price:.2f}",
            )
        record = await ctx.deps.enrollment.enroll(ctx.deps.user.id, str(course["id"]))
        title = course.get("title", course["id"])
        return ToolOutcome.success(
            {"enrolled": True, "course": _summary(course), "enrollment": record}, f"enrolled in {title}"
        )

    return make_tool(
        "enroll",
        "Enroll the student in a course. Only when the student explicitly asks to be enrolled.",
        EnrollArgs,
        handler,
    )
