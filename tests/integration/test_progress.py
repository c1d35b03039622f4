"""Enrollment, lesson completion and server-side quiz grading."""

from __future__ import annotations

import asyncio
import json

import pytest

pytestmark = pytest.mark.asyncio


async def test_enroll_submit_quiz_and_read_progress(client, factory, services):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    student = await factory.student()
    h = student["headers"]
    res = await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=h)
    assert res.status_code == 201
    assert (await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=h)).status_code == 409
    mine = await client.get("/api/enrollments/", headers=h)
    assert [e["course_id"] for e in mine.json()] == [cid]

    res = await client.post(
        "/api/progress/update/",
        json={"course_id": cid, "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 1}},
        headers=h,
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["quiz_result"]["score"] == 50.0
    assert body["quiz_result"]["results"][0]["correct"] is True
    assert body["quiz_scores"] == [
        {**body["quiz_scores"][0], "lesson_id": "l1", "score": 50.0, "best_score": 50.0, "attempts": 1}
    ]
    attempts = await services.progress.attempts.of_user(student["id"], cid)
    assert [(a["question_id"], a["correct"], a["skills"]) for a in attempts] == [
        ("q1", True, ["python.loops"]),
        ("q2", False, ["python.lists"]),
    ]
    res = await client.post(
        "/api/progress/update/",
        json={"course_id": cid, "lesson_id": "l1", "completed": True, "time_spent": 120},
        headers=h,
    )
    assert res.json()["progress_percentage"] == 50.0
    assert res.json()["time_spent"] == 120
    res = await client.post(
        "/api/progress/update/", json={"course_id": cid, "lesson_id": "l2", "completed": True}, headers=h
    )
    assert res.json()["progress_percentage"] == 100.0
    assert res.json()["completion_date"] is not None
    one = await client.get(f"/api/progress/{cid}/", headers=h)
    assert one.json()["completed_lessons"] == ["l1", "l2"]
    everything = await client.get("/api/progress/", headers=h)
    assert [p["course_id"] for p in everything.json()] == [cid]
    # The student's own graded result shows the key; nothing else they can read does.
    course = await client.get(f"/api/courses/{cid}/", headers=h)
    assert '"answer"' not in json.dumps(course.json())


async def test_progress_requires_enrollment_and_is_per_user(client, factory):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    alice, bob = await factory.student(), await factory.student()
    body = {"course_id": cid, "lesson_id": "l1", "completed": True}
    assert (await client.post("/api/progress/update/", json=body, headers=alice["headers"])).status_code == 403
    await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=alice["headers"])
    assert (await client.post("/api/progress/update/", json=body, headers=alice["headers"])).status_code == 200
    bob_view = await client.get(f"/api/progress/{cid}/", headers=bob["headers"])
    assert bob_view.status_code == 404
    assert (await client.get("/api/progress/", headers=bob["headers"])).json() == []
    smuggled = {**body, "user_id": alice["id"]}
    assert (await client.post("/api/progress/update/", json=smuggled, headers=bob["headers"])).status_code == 400
    assert (await client.delete(f"/api/enrollments/{cid}/", headers=bob["headers"])).status_code == 404
    assert len((await client.get("/api/enrollments/", headers=alice["headers"])).json()) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"course_id": "c", "lesson_id": "l1"},
        {"course_id": "c", "lesson_id": "l1", "completed": "yes"},
        {"course_id": "c", "lesson_id": "l1", "time_spent": -5},
        {"course_id": {"$ne": None}, "lesson_id": "l1", "completed": True},
        {"course_id": "c", "lesson_id": "l1", "quiz_answers": {}},
        {"course_id": "c", "lesson_id": "l1", "quiz_answers": {"$where": 1}},
        {"course_id": "c", "lesson_id": "l1", "quiz_answers": "q1"},
        {"course_id": "c", "lesson_id": "l1", "progress_percentage": 100},
        {"course_id": "c", "lesson_id": "l1", "score": 100, "quiz_answers": {"q1": 1}},
    ],
)
async def test_malformed_progress_bodies(client, factory, body):
    student = await factory.student()
    res = await client.post("/api/progress/update/", json=body, headers=student["headers"])
    assert res.status_code == 400, res.text


async def test_bad_quiz_answers_lose_no_data(client, factory):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    student = await factory.student()
    h = student["headers"]
    await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=h)
    good = {"course_id": cid, "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 0}}
    assert (await client.post("/api/progress/update/", json=good, headers=h)).status_code == 200
    for answers in ({"q9": 1}, {"q1": 7}, {"q1": "not a choice"}):
        res = await client.post("/api/progress/update/", json={**good, "quiz_answers": answers}, headers=h)
        assert res.status_code == 400, answers
    no_quiz = await client.post("/api/progress/update/", json={**good, "lesson_id": "l2"}, headers=h)
    assert no_quiz.status_code == 400
    unknown_lesson = await client.post("/api/progress/update/", json={**good, "lesson_id": "zz"}, headers=h)
    assert unknown_lesson.status_code == 404
    progress = (await client.get(f"/api/progress/{cid}/", headers=h)).json()
    assert progress["quiz_scores"][0]["attempts"] == 1
    assert progress["quiz_scores"][0]["score"] == 100.0
    by_text = await client.post("/api/progress/update/", json={**good, "quiz_answers": {"q1": "for"}}, headers=h)
    assert by_text.json()["quiz_result"]["correct"] == 1


async def test_fifty_concurrent_submissions_all_counted(client, factory, services):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    student = await factory.student()
    h = student["headers"]
    await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=h)

    async def submit(i: int) -> int:
        answers = {"q1": 1, "q2": i % 2}
        res = await client.post(
            "/api/progress/update/",
            json={"course_id": cid, "lesson_id": "l1", "quiz_answers": answers, "time_spent": 1, "completed": True},
            headers=h,
        )
        return int(res.status_code)

    codes = await asyncio.gather(*(submit(i) for i in range(50)))
    assert codes == [200] * 50
    progress = (await client.get(f"/api/progress/{cid}/", headers=h)).json()
    assert progress["quiz_scores"][0]["attempts"] == 50
    assert progress["quiz_scores"][0]["best_score"] == 100.0
    assert progress["time_spent"] == 50
    assert progress["completed_lessons"] == ["l1"]
    assert progress["progress_percentage"] == 50.0
    assert len(await services.progress.attempts.of_user(student["id"], cid)) == 100


async def test_instructor_cannot_enroll_in_own_course_and_unknown_course(client, factory):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    assert (
        await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=teacher["headers"])
    ).status_code == 409
    student = await factory.student()
    res = await client.post("/api/courses/enroll/", json={"course_id": "missing-course"}, headers=student["headers"])
    assert res.status_code == 404
