"""The learner summary in the system message: one progress read gives progress and weakest skills."""

from __future__ import annotations

from typing import Any

import pytest

from agents.learner_summary import learner_summary
from tests.fakes.agent_ports import make_world

pytestmark = pytest.mark.asyncio


def _record(course: str, pct: float, weakest: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "course_id": course.lower(), "course_title": course, "progress_percentage": pct, "quiz_scores": [],
        "weakest_skills": [{"skill_name": name, "mastery_percent": mastery} for name, mastery in weakest],
    }  # fmt: skip


class _Learner:
    def __init__(self) -> None:
        self.weak_areas_read = 0

    async def get_recommendations(self, user_id: str) -> dict[str, Any]:
        return {"next_lessons": [{"lesson_title": "Functions", "course_title": "Python"}]}

    async def get_weak_areas(self, user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        self.weak_areas_read += 1
        return []


async def test_weakest_skills_across_courses_come_from_the_one_progress_read():
    world = make_world()
    learner = _Learner()
    world.deps.learner = learner
    world.progress.records["student-1"] = [
        _record("Python", 40.0, [("Loops", 35), ("Lists", 60)]),
        _record("SQL", 10.0, [("Joins", 20), ("Grouping", 50)]),
    ]
    summary = await learner_summary(world.deps, None)
    assert summary == (
        "Weakest skills: Joins (20% mastery), Loops (35% mastery), Grouping (50% mastery). "
        "Progress: Python: 40% complete; SQL: 10% complete. "
        "Next recommended lesson: “Functions” in Python."
    )
    assert world.progress.asked_for == ["student-1"] and learner.weak_areas_read == 0


async def test_without_learner_modelling_no_weakest_skills_are_claimed():
    world = make_world()
    world.progress.records["student-1"] = [_record("Python", 40.0, [("Loops", 35)])]
    assert await learner_summary(world.deps, None) == "Progress: Python: 40% complete."


async def test_a_part_that_cannot_be_read_is_left_out():
    world = make_world()
    world.deps.learner = _Learner()

    async def down(user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        raise RuntimeError("progress store unreachable")

    world.deps.progress.get_progress = down  # type: ignore[method-assign]
    assert await learner_summary(world.deps, None) == "Next recommended lesson: “Functions” in Python."
