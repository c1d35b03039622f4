"""A student who took a quiz asks the tutor about their learning and hears titles and skill names.

Real HTTP API, real worker (the learner model refreshes after the quiz) and the offline local tutor
model; the API responses the web app reads carry the same display names next to the ids.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import sample_course_body
from tests.polling import wait_for

pytestmark = pytest.mark.asyncio

RAW_KEYS = ("recommended_courses", "next_lessons", "learning_path", "generated_at", "weak_areas", "course_id")


def _modules() -> list[dict[str, Any]]:
    lessons = sample_course_body()["modules"][0]["lessons"]
    lessons[1]["skills"] = ["python.lists"]
    return [{"id": "m1", "title": "Basics", "lessons": lessons}]


async def _ask(client, headers, message: str, plain: str, tool: str) -> str:
    """The tutor's answer to ``message``, which must reach ``tool`` in the student's own words.

    ``plain`` is the plainest phrasing of the same request; it must reach the tool as well.
    """
    answers = []
    for text in (message, plain):
        res = await client.post("/api/chat/", json={"message": text}, headers=headers)
        assert res.status_code == 200, res.text
        body = res.json()
        assert any(e["type"] == "tool_call" and e["data"]["name"] == tool for e in body["events"]), (text, body)
        answers.append(str(body["answer"]))
    return answers[0]


def _assert_plain(answer: str, ids: list[str]) -> None:
    for key in RAW_KEYS:
        assert key not in answer, answer
    for raw in ids:
        assert raw not in answer, answer
    assert not re.search(r"\bl[12]\b|\bq[12]\b|python\.|data\.|[{}\[\]_]", answer), answer


async def test_student_hears_titles_and_skill_names(client, factory, worker):
    teacher = await factory.instructor()
    course = await factory.course(
        teacher,
        title="Python Foundations",
        modules=_modules(),
        skill_names={"python.lists": "Lists and indexing"},
        quiz_policy={"reveal": "never"},  # keys never shown, so all three submissions are evidence
    )
    other = await factory.course(
        teacher,
        title="Data Wrangling",
        modules=[
            {"id": "m1", "title": "Tables", "lessons": [{"id": "l1", "title": "Group by", "skills": ["data.group-by"]}]}
        ],
    )
    assert course["skill_names"] == {"python.loops": "Loops", "python.lists": "Lists and indexing"}
    student = await factory.student(career_goals=["data analyst"])
    h = student["headers"]
    assert (await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=h)).status_code == 201
    for _ in range(3):  # q2 (on lists) answered wrong every time
        body = {"course_id": course["id"], "lesson_id": "l1", "completed": True, "quiz_answers": {"q1": 1, "q2": 1}}
        assert (await client.post("/api/progress/update/", json=body, headers=h)).status_code == 200

    async def refreshed() -> dict[str, Any] | None:
        recs = (await client.get(f"/api/ai/recommendations/{student['id']}/", headers=h)).json()
        weak = recs.get("weak_areas") or []
        return recs if weak and weak[0]["attempts"] == 3 and not recs["pending"] else None

    recs = await wait_for(refreshed)
    ids = [course["id"], other["id"], student["id"]]

    # The API responses the web app reads: names next to the ids, nothing removed.
    assert recs["weak_areas"][0]["skill"] == "python.lists"
    assert recs["weak_areas"][0]["skill_name"] == "Lists and indexing"
    assert recs["skill_names"]["python.lists"] == "Lists and indexing"
    progress = (await client.get(f"/api/progress/{course['id']}/", headers=h)).json()
    assert progress["course_title"] == "Python Foundations"
    assert progress["quiz_scores"][0]["lesson_id"] == "l1" and progress["quiz_scores"][0]["lesson_title"] == "Loops"
    assert progress["skill_names"] == {"python.loops": "Loops", "python.lists": "Lists and indexing"}
    mine = (await client.get("/api/ai/weak-areas/", headers=h)).json()
    assert mine[0]["skill_name"] == "Lists and indexing" and mine[0]["course_title"] == "Python Foundations"
    klass = (await client.get(f"/api/ai/courses/{course['id']}/weak-areas/", headers=teacher["headers"])).json()
    assert {row["skill"]: row["skill_name"] for row in klass["skills"]}["python.lists"] == "Lists and indexing"

    # The tutor, in words.
    nxt = await _ask(client, h, "What should I study next?", "what should I study next", "get_recommendations")
    assert nxt.startswith(
        'Next, I suggest the lesson "Lists" in Python Foundations, because your mastery of Lists and indexing is'
    ), nxt
    # Which other course is suggested depends on the whole catalogue (other tests add courses to it).
    assert re.search(r"(suggest|like) [A-Z][\w ]+", nxt.split(".", 1)[1]), nxt
    _assert_plain(nxt, ids)

    far = await _ask(client, h, "How far along am I?", "show my progress", "get_progress")
    assert far.startswith(
        "You've finished 1 of 2 lessons (50%) of Python Foundations; your best quiz so far is Loops, 50%."
    ), far
    assert 'Next up: "Lists".' in far
    _assert_plain(far, ids)

    weak = await _ask(
        client, h, "Which topics do I seem to struggle with the most?", "what are my weak areas", "get_weak_areas"
    )
    assert "Lists and indexing: about" in weak and "from 3 answers" in weak, weak
    assert 'Reviewing "Lists" would help.' in weak, weak
    _assert_plain(weak, ids)
    worst = await _ask(client, h, "which bits am i worst at so far", "what are my weak areas", "get_weak_areas")
    assert "Lists and indexing: about" in worst, worst


async def test_student_without_progress_hears_kind_empty_states(client, factory, worker):
    student = await factory.student()
    h = student["headers"]
    far = await _ask(client, h, "How far along am I?", "show my progress", "get_progress")
    assert "haven't started a course yet" in far
    weak = await _ask(client, h, "what are my weak areas", "what are my weak areas", "get_weak_areas")
    assert "don't see any weak areas" in weak
    nxt = await _ask(client, h, "What should I study next?", "what should I study next", "get_recommendations")
    assert "{" not in nxt and "_" not in nxt
