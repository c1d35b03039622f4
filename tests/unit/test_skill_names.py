"""Readable skill names and the labels that turn course, lesson and skill ids into words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from tutor.schemas.courses import CourseIn
from tutor.seed import load_catalog
from tutor.services.labels import CourseLabels
from tutor.services.skills import course_skill_names, skill_label
from tutor.services.views import course_view, progress_view

SAMPLE = Path(__file__).resolve().parents[2] / "tutor" / "sample_course"


@pytest.mark.parametrize(
    ("skill", "label"),
    [
        ("python.strings", "Strings"),
        ("python.loop_control", "Loop control"),
        ("data.group-by", "Group by"),
        ("web.http", "HTTP"),
        ("python.io", "I/O"),
        ("loops", "Loops"),
        ("a.b.json_parsing", "JSON parsing"),
    ],
)
def test_unnamed_skills_get_a_readable_name(skill: str, label: str) -> None:
    assert skill_label(skill) == label


def test_an_authors_name_wins_and_blank_names_fall_back() -> None:
    assert skill_label("python.dicts", {"python.dicts": "Dictionaries"}) == "Dictionaries"
    assert skill_label("python.dicts", {"python.dicts": "  "}) == "Dicts"
    assert skill_label("python.dicts", {"other": "Other"}) == "Dicts"


def test_sample_courses_name_every_skill_they_use() -> None:
    for course in load_catalog(SAMPLE):
        names = course.get("skill_names") or {}
        used = set(course.get("prerequisite_skills", []))
        for module in course["modules"]:
            for lesson in module["lessons"]:
                used |= set(lesson["skills"])
                used |= {s for q in (lesson.get("quiz") or {}).get("questions", []) for s in q["skills"]}
        assert used <= set(names), f"{course['id']} leaves {sorted(used - set(names))} unnamed"
        CourseIn.model_validate({k: v for k, v in course.items() if k != "id"})


def test_course_model_validates_skill_names() -> None:
    base = {"title": "T", "category": "programming"}
    assert CourseIn.model_validate({**base, "skill_names": {"python.loops": " Loops "}}).skill_names == {
        "python.loops": "Loops"
    }
    with pytest.raises(ValidationError):
        CourseIn.model_validate({**base, "skill_names": {"not a skill id!": "Loops"}})
    with pytest.raises(ValidationError):
        CourseIn.model_validate({**base, "skill_names": {"python.loops": ""}})


def _stored(course: dict) -> dict:
    """A catalogue course as the course service stores it."""
    doc = json.loads(json.dumps(course))
    doc["_id"] = doc.pop("id")
    doc["skills"] = list(dict.fromkeys(s for m in doc["modules"] for lesson in m["lessons"] for s in lesson["skills"]))
    return doc


def test_labels_give_titles_and_names_never_ids() -> None:
    docs = [_stored(c) for c in load_catalog(SAMPLE)]
    labels = CourseLabels.from_courses(docs)
    assert labels.course("python-intro") == "Introduction to Python Programming"
    assert labels.course("no-such-course") == "your course"
    assert labels.lesson("python-intro", "l-loops") == "Repeating Work with Loops"
    assert labels.lesson(None, "l-json") == "Working with JSON"
    assert labels.lesson("python-intro", "l-gone") == "a lesson"
    assert labels.skill("python.dicts") == "Dictionaries"
    assert labels.skill("python.unknown_thing") == "Unknown thing"
    assert course_skill_names(docs)["web.http"] == "HTTP basics"


def test_course_and_progress_views_carry_names_next_to_ids() -> None:
    doc = _stored(next(c for c in load_catalog(SAMPLE) if c["id"] == "python-intro"))
    doc["instructor_id"] = "i1"
    view = course_view(doc, with_answers=False)
    assert view["skill_names"]["python.tuples_sets"] == "Tuples and sets"
    progress = {
        "_id": "p1",
        "user_id": "u1",
        "course_id": "python-intro",
        "completed_lessons": ["l-variables"],
        "quiz_scores": {"l-lists": {"score": 50.0, "best_score": 80.0, "attempts": 2}},
        "weak_areas": [{"skill": "python.strings", "mastery": 0.35, "attempts": 6, "course_id": "python-intro"}],
        "mastery": {"python.strings": {"p": 0.35, "attempts": 6}, "python.lists": {"p": 0.8, "attempts": 4}},
    }
    out = progress_view(progress, CourseLabels.from_courses([doc]))
    assert out["course_id"] == "python-intro" and out["course_title"] == "Introduction to Python Programming"
    assert out["quiz_scores"][0]["lesson_id"] == "l-lists" and out["quiz_scores"][0]["lesson_title"] == "Lists"
    assert out["weak_areas"][0]["skill"] == "python.strings" and out["weak_areas"][0]["skill_name"] == "Strings"
    assert out["skill_names"] == {"python.strings": "Strings", "python.lists": "Lists"}
    bare = progress_view(progress)
    assert bare["skill_names"]["python.lists"] == "Lists" and bare["course_title"] == ""
