"""Privacy between courses: an instructor sees only their own courses' slice of a student; lesson bodies
only for enrolled students and the course's instructor."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.polling import wait_for

pytestmark = pytest.mark.asyncio

SQL_MODULES = [
    {
        "id": "m1",
        "title": "Queries",
        "lessons": [
            {
                "id": "l1",
                "title": "Joins",
                "content": "A join combines rows of two tables.",
                "skills": ["sql.joins"],
                "quiz": {
                    "questions": [
                        {"id": "q1", "prompt": "Combine tables?", "choices": ["JOIN", "DROP"], "answer": 0,
                         "skills": ["sql.joins"]},
                        {"id": "q2", "prompt": "Filter rows?", "choices": ["WHERE", "GRANT"], "answer": 0,
                         "skills": ["sql.filtering"]},
                    ]
                },
            }
        ],
    }
]  # fmt: skip


async def test_an_instructor_sees_only_their_courses_slice(client, factory, worker):
    python_teacher, sql_teacher = await factory.instructor(), await factory.instructor()
    # Keys never shown, so every submission counts as evidence.
    never = {"reveal": "never"}
    python = await factory.course(python_teacher, title="Python basics", quiz_policy=never)
    sql = await factory.course(sql_teacher, title="SQL basics", modules=SQL_MODULES, tags=["sql"], quiz_policy=never)
    student = await factory.student(career_goals=["data engineer"])
    h = student["headers"]
    for course in (python, sql):
        assert (await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=h)).status_code
    wrong = {python["id"]: {"q1": 0, "q2": 1}, sql["id"]: {"q1": 1, "q2": 1}}
    for course_id, answers in wrong.items():
        for _ in range(3):
            body = {"course_id": course_id, "lesson_id": "l1", "quiz_answers": answers}
            assert (await client.post("/api/progress/update/", json=body, headers=h)).status_code == 200

    async def complete() -> dict[str, Any] | None:
        recs = (await client.get(f"/api/ai/recommendations/{student['id']}/", headers=h)).json()
        weak_courses = {w["course_id"] for w in recs.get("weak_areas", [])}
        done = weak_courses == {python["id"], sql["id"]} and all(w["attempts"] == 3 for w in recs["weak_areas"])
        return recs if done and not recs["pending"] else None

    own = await wait_for(complete)
    assert {"sql.joins", "python.loops"} <= set(own["mastery"])

    as_python_teacher = await client.get(f"/api/ai/recommendations/{student['id']}/", headers=python_teacher["headers"])
    assert as_python_teacher.status_code == 200
    sliced = as_python_teacher.json()
    text = json.dumps(sliced)
    assert sql["id"] not in text and "sql." not in text and "SQL basics" not in text and "data engineer" not in text
    assert {w["course_id"] for w in sliced["weak_areas"]} == {python["id"]}
    assert set(sliced["mastery"]) <= {"python.loops", "python.lists"} and sliced["mastery"]
    assert all(r["course_id"] == python["id"] for r in sliced["recommended_courses"] + sliced["next_lessons"])

    other_side = (await client.get(f"/api/ai/recommendations/{student['id']}/", headers=sql_teacher["headers"])).json()
    assert python["id"] not in json.dumps(other_side) and "python." not in json.dumps(other_side)
    assert {w["course_id"] for w in other_side["weak_areas"]} == {sql["id"]}


async def test_lesson_content_only_for_enrolled_students_and_the_instructor(client, factory):
    teacher = await factory.instructor()
    course = await factory.course(teacher, price=49)
    url = f"/api/courses/{course['id']}/"
    outsider, other_teacher, enrolled = await factory.student(), await factory.instructor(), await factory.student()
    await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=enrolled["headers"])

    def contents(body: dict[str, Any]) -> list[Any]:
        return [lesson["content"] for module in body["modules"] for lesson in module["lessons"]]

    for viewer in (outsider, other_teacher):
        res = await client.get(url, headers=viewer["headers"])
        assert res.status_code == 200
        body = res.json()
        assert contents(body) == [None, None] and "A for loop repeats." not in res.text
        assert [lesson["title"] for lesson in body["modules"][0]["lessons"]] == ["Loops", "Lists"]
    for viewer in (enrolled, teacher):
        body = (await client.get(url, headers=viewer["headers"])).json()
        assert contents(body) == ["A for loop repeats.", "Lists hold items."]
    await client.delete(f"/api/enrollments/{course['id']}/", headers=enrolled["headers"])
    assert contents((await client.get(url, headers=enrolled["headers"])).json()) == [None, None]
