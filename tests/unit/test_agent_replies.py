"""Tool replies in plain language: progress, recommendations and weak areas name things by title."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agents import learner_views
from agents.providers.local import replies
from tutor.seed import load_catalog
from tutor.services.labels import CourseLabels

SAMPLE = Path(__file__).resolve().parents[2] / "tutor" / "sample_course"
RAW_KEYS = (
    "recommended_courses",
    "next_lessons",
    "learning_path",
    "generated_at",
    "weak_areas",
    "progress_percentage",
    "skill_name",
    "course_id",
)
IDS = re.compile(r"\b(?:l-[a-z-]+|q-[a-z0-9-]+|python-intro|data-analysis-python|web-apis-python|[a-z]+\.[a-z_]+)\b")


def assert_plain(text: str) -> None:
    """No dict key, id or JSON in a student-facing reply."""
    for key in RAW_KEYS:
        assert key not in text, text
    assert not IDS.search(text), text
    assert "_" not in text and "{" not in text and "[" not in text, text


@pytest.fixture(scope="module")
def labels() -> CourseLabels:
    docs = []
    for course in load_catalog(SAMPLE):
        doc = {**course, "_id": course["id"]}
        doc["skills"] = list(dict.fromkeys(s for m in doc["modules"] for ls in m["lessons"] for s in ls["skills"]))
        docs.append(doc)
    return CourseLabels.from_courses(docs)


def tool(payload: dict[str, Any]) -> dict[str, Any]:
    """What the local model reads back: the tool's JSON body (datetimes as strings)."""
    return dict(json.loads(json.dumps({"ok": True, **payload}, default=str)))


RECOMMENDATION_DOC = {
    "user_id": "u1",
    "recommended_courses": [
        {
            "course_id": "data-analysis-python",
            "title": "Data Analysis with Python",
            "confidence_score": 0.41,
            "reason": "Introduces Loading.",
            "source": "heuristic",
        }
    ],
    "next_lessons": [
        {
            "course_id": "python-intro",
            "lesson_id": "l-loops",
            "title": "Repeating Work with Loops",
            "confidence_score": 0.52,
            "reason": "Strengthens Loops (mastery 0.42).",
            "source": "heuristic",
        },
        {"course_id": "python-intro", "lesson_id": "l-lists", "title": "Lists", "confidence_score": 0.2},
        {"course_id": "python-intro", "lesson_id": "l-dictionaries", "title": "Dictionaries", "confidence_score": 0.1},
    ],
    "learning_path": {
        "course_ids": ["python-intro", "data-analysis-python"],
        "courses": [{"course_id": "python-intro", "title": "Introduction to Python Programming"}],
        "total_hours": 20.0,
        "goal_skills": ["data.loading", "python.loops"],
        "covered": [],
        "exact": True,
        "feasible": True,
    },
    "weak_areas": [
        {
            "skill": "python.strings",
            "mastery": 0.35,
            "attempts": 6,
            "recent_errors": 2,
            "last_seen": "2026-11-20T10:00:00",
            "reason": "2 of the last 5 answers wrong; estimated mastery 0.35 after 6 attempts",
            "course_id": "python-intro",
        }
    ],
    "mastery": {"python.loops": 0.42, "python.strings": 0.35, "python.variables": 0.9},
    "target_skills": ["data.loading", "python.loops", "python.strings"],
    "career_goals": ["data analyst"],
    "generated_at": datetime(2026, 11, 20, tzinfo=UTC),
}


def test_recommendations_name_the_lesson_course_and_reason(labels: CourseLabels) -> None:
    data = tool({"recommendations": learner_views.recommendations(RECOMMENDATION_DOC, labels)})
    text = replies.learner_reply("get_recommendations", data)
    assert text.startswith(
        'Next, I suggest the lesson "Repeating Work with Loops" in Introduction to Python Programming, '
        "because your mastery of Loops is 42%"
    )
    assert text.count("your goal (data analyst)") == 1  # said once, on the first item it applies to
    assert '"Lists"' in text and '"Dictionaries"' in text
    assert "Data Analysis with Python" in text and "Loading data" in text
    assert_plain(text)


def test_recommendation_tool_data_carries_titles_not_lesson_or_skill_ids(labels: CourseLabels) -> None:
    payload = learner_views.recommendations(RECOMMENDATION_DOC, labels)
    body = json.dumps(payload, default=str)
    assert "Repeating Work with Loops" in body and "Introduction to Python Programming" in body
    assert "l-loops" not in body and "python.loops" not in body and "python.strings" not in body
    assert "0.42" not in body  # a percent the student understands, not a probability
    assert payload["next_lessons"][0]["course_id"] == "python-intro"  # the one id a tool accepts back
    assert payload["learning_path"]["courses"][1]["title"] == "Data Analysis with Python"
    assert payload["weak_areas"][0]["skill_name"] == "Strings"


def test_weak_areas_read_as_skill_names_with_evidence(labels: CourseLabels) -> None:
    areas = [
        {"skill": "python.strings", "mastery": 0.35, "attempts": 6, "recent_errors": 2, "course_id": "python-intro"},
        {"skill": "python.tuples_sets", "mastery": 0.5, "attempts": 1, "recent_errors": 1, "course_id": "python-intro"},
        {"skill": "data.group-by", "mastery": 0.55, "attempts": 3, "recent_errors": 0, "course_id": "nowhere"},
    ]
    data = tool({"weak_areas": [learner_views.weak_area(a, labels) for a in areas]})
    text = replies.learner_reply("get_weak_areas", data)
    assert "Strings: about 35% mastery from 6 answers; 2 of your last 5 answers were wrong." in text
    assert "Tuples and sets: about 50% mastery from 1 answer;" in text
    assert "Group by: about 55% mastery from 3 answers." in text
    assert 'Reviewing "Working with Numbers and Strings" would help.' in text
    assert_plain(text)


def test_progress_reads_as_lessons_done_and_best_quiz(labels: CourseLabels) -> None:
    view = {
        "id": "p1",
        "course_id": "python-intro",
        "progress_percentage": 25.0,
        "completed_lessons": ["l-variables", "l-numbers-strings", "l-input-output"],
        "quiz_scores": [
            {"lesson_id": "l-lists", "score": 60.0, "best_score": 80.0, "attempts": 2},
            {"lesson_id": "l-variables", "score": 50.0, "best_score": 50.0, "attempts": 1},
        ],
        "weak_areas": [{"skill": "python.strings", "mastery": 0.35, "attempts": 6}],
        "mastery": {},
        "time_spent": 3600,
    }
    data = tool({"progress": [learner_views.progress_record(view, labels)]})
    text = replies.progress_reply(data)
    assert text.startswith(
        "You've finished 3 of 12 lessons (25%) of Introduction to Python Programming; "
        "your best quiz so far is Lists, 80%."
    )
    assert 'Next up: "Making Decisions with Conditionals".' in text
    assert_plain(text)


def test_progress_over_several_courses_and_empty_states(labels: CourseLabels) -> None:
    fresh = {"course_id": "web-apis-python", "progress_percentage": 0.0, "completed_lessons": [], "quiz_scores": []}
    done = {
        "course_id": "data-analysis-python",
        "progress_percentage": 100.0,
        "completed_lessons": ["l-loading-data", "l-cleaning-data", "l-aggregation", "l-visualisation"],
        "quiz_scores": [],
        "completion_date": "2026-11-01T00:00:00",
    }
    data = tool({"progress": [learner_views.progress_record(v, labels) for v in (fresh, done)]})
    text = replies.progress_reply(data)
    assert "You haven't finished a lesson of Building Web APIs in Python yet (4 lessons in all)" in text
    assert "you haven't taken a quiz yet" in text and 'Next up: "How HTTP Works".' in text
    assert "You've finished all 4 lessons of Data Analysis with Python. Well done!" in text
    assert_plain(text)
    assert "no progress to show" in replies.progress_reply(tool({"progress": []}))


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("get_recommendations", {"ok": True, "recommendations": {}}, "don't have a suggestion for you yet"),
        (
            "get_recommendations",
            {"ok": True, "recommendations": {"next_lessons": [], "recommended_courses": []}},
            "don't have a suggestion for you yet",
        ),
        ("get_weak_areas", {"ok": True, "weak_areas": []}, "don't see any weak areas"),
        ("get_recommendations", {"ok": False, "error": {"code": "unavailable", "message": "x"}}, "aren't available"),
        (
            "get_recommendations",
            {"ok": False, "error": {"code": "not_found", "message": "no recs for u1"}},
            "don't have a suggestion",
        ),
        (
            "get_weak_areas",
            {"ok": False, "error": {"code": "internal_error", "message": "KeyError: 'skill'"}},
            "try again",
        ),
    ],
)
def test_empty_and_error_states_are_kind(name: str, data: dict[str, Any], expected: str) -> None:
    text = replies.learner_reply(name, data)
    assert expected in text
    assert_plain(text)


def test_error_replies_do_not_echo_internal_messages() -> None:
    failed = {"ok": False, "error": {"code": "internal_error", "message": "course python-intro exploded"}}
    assert "python-intro" not in replies.progress_reply(failed)
    missing = {"ok": False, "error": {"code": "not_found", "message": "no progress in this course; enroll first"}}
    assert "aren't enrolled in that course" in replies.progress_reply(missing)


def test_a_learning_path_or_weak_areas_stand_in_when_nothing_else_is_suggested(labels: CourseLabels) -> None:
    doc = {**RECOMMENDATION_DOC, "next_lessons": [], "recommended_courses": []}
    text = replies.learner_reply(
        "get_recommendations", tool({"recommendations": learner_views.recommendations(doc, labels)})
    )
    assert text.startswith("Your learning path: Introduction to Python Programming, then Data Analysis with Python")
    assert_plain(text)
    doc["learning_path"] = {}
    text = replies.learner_reply(
        "get_recommendations", tool({"recommendations": learner_views.recommendations(doc, labels)})
    )
    assert text == "For now, practising Strings would help most."


def test_thin_payloads_from_other_ports_still_read_well() -> None:
    assert replies.learner_reply("get_weak_areas", {"ok": True, "weak_areas": [{"skill": "python.loop_control"}]}) == (
        "The topic that seems to need the most practice is Loop control."
    )
    legacy = {
        "ok": True,
        "progress": [{"course_title": "Intro to Python", "progress_percent": 40.0, "completed_lessons": ["l1"]}],
    }
    assert replies.progress_reply(legacy) == "Intro to Python: 40% complete, 1 lesson done."
