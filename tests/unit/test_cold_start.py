"""The cold-start recommendations: from the catalogue and stored progress, before any model ran."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from recommender.cold_start import COLD_START, cold_start
from recommender.service import _RecentlyQueued


def course(
    cid: str, skills: list[str], prereqs: Sequence[str] = (), lessons: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    return {"_id": cid, "title": cid.title(), "skills": skills, "prerequisite_skills": list(prereqs),
            "duration_hours": 2, "modules": [{"id": "m1", "lessons": list(lessons)}]}  # fmt: skip


def lesson(lid: str, skills: list[str], prerequisites: Sequence[str] = ()) -> dict[str, Any]:
    return {"id": lid, "title": f"Lesson {lid}", "skills": skills, "prerequisites": list(prerequisites)}


INTRO = course("intro", ["py.loops", "py.lists"], lessons=[lesson("l1", ["py.loops"]), lesson("l2", ["py.lists"], ["l1"])])
WEB = course("web", ["web.http"])
DATA = course("data", ["data.pandas"], prereqs=["py.lists"])
CATALOGUE = [INTRO, WEB, DATA]
USER = {"_id": "u1", "profile": {"career_goals": ["data analyst"]}}


def test_a_new_student_gets_open_courses_only_and_a_pending_marker() -> None:
    doc = cold_start(USER, CATALOGUE, set(), [])
    ids = [r["course_id"] for r in doc["recommended_courses"]]
    assert set(ids) == {"intro", "web"}  # data needs py.lists, which the student has not mastered
    assert doc["pending"] is True and doc["source"] == COLD_START
    assert doc["next_lessons"] == [] and doc["learning_path"]["course_ids"] == []
    assert doc["user_id"] == "u1" and doc["career_goals"] == ["data analyst"] and doc["generated_at"]
    rec = doc["recommended_courses"][0]
    assert set(rec) == {"course_id", "title", "confidence_score", "reason", "source"} and rec["reason"]
    assert 0.0 <= rec["confidence_score"] <= 1.0


def test_courses_taken_are_never_recommended_and_next_lessons_follow_completed_prerequisites() -> None:
    progress = [{"course_id": "intro", "completed_lessons": [], "mastery": {}}]
    doc = cold_start(USER, CATALOGUE, {"intro"}, progress)
    assert "intro" not in [r["course_id"] for r in doc["recommended_courses"]]
    assert [(r["course_id"], r["lesson_id"]) for r in doc["next_lessons"]] == [("intro", "l1")]  # l2 needs l1
    assert set(doc["next_lessons"][0]) == {"course_id", "lesson_id", "title", "confidence_score", "reason", "source"}
    assert doc["next_lessons"][0]["title"] == "Lesson l1"

    progress = [{"course_id": "intro", "completed_lessons": ["l1"]}]
    assert [r["lesson_id"] for r in cold_start(USER, CATALOGUE, {"intro"}, progress)["next_lessons"]] == ["l2"]


def test_stored_mastery_unlocks_prerequisites_and_weak_areas_are_kept() -> None:
    weak = {"skill": "py.loops", "mastery": 0.3, "attempts": 3}
    progress = [{"course_id": "intro", "completed_lessons": ["l1", "l2"], "weak_areas": [weak],
                 "mastery": {"py.lists": {"p": 0.9}, "py.loops": {"p": 0.3}}}]  # fmt: skip
    doc = cold_start(USER, CATALOGUE, {"intro"}, progress)
    assert "data" in [r["course_id"] for r in doc["recommended_courses"]]
    assert doc["mastery"] == {"py.lists": 0.9, "py.loops": 0.3}
    assert doc["weak_areas"] == [{**weak, "course_id": "intro"}]
    assert "py.lists" not in doc["target_skills"] and "py.loops" in doc["target_skills"]


def test_progress_in_a_course_no_longer_taken_is_ignored_and_lesson_ids_are_per_course() -> None:
    other = course("other", ["x.y"], lessons=[lesson("l1", ["x.y"]), lesson("l2", ["x.z"], ["l1"])])
    progress = [{"course_id": "intro", "completed_lessons": ["l1"], "mastery": {"py.lists": {"p": 0.95}}}]
    doc = cold_start(USER, [*CATALOGUE, other], {"other"}, progress)
    assert doc["mastery"] == {}
    # l1 is completed in intro, not in other: other's l2 still waits for its own l1.
    assert [(r["course_id"], r["lesson_id"]) for r in doc["next_lessons"]] == [("other", "l1")]


def test_a_read_queues_the_refresh_at_most_once_per_period() -> None:
    now = [100.0]
    queued = _RecentlyQueued(period_s=30, capacity=2, clock=lambda: now[0])
    assert queued.claim("a") and not queued.claim("a")  # a second read meanwhile queues nothing
    now[0] += 31
    assert queued.claim("a")  # the worker may be down: after the period, queue again
    assert queued.claim("b") and queued.claim("c")  # bounded: "a", the oldest, is forgotten
    assert queued.claim("a")
