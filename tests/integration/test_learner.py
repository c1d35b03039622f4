"""Quiz submission → worker → weak areas and recommendations; who may read them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.polling import wait_for

pytestmark = pytest.mark.asyncio


def _stored(client, url: str, headers: dict[str, str]) -> Callable[[], Awaitable[dict[str, Any] | None]]:
    """A check for :func:`wait_for`: the recommendations once the worker has stored them (not the cold start)."""

    async def check() -> dict[str, Any] | None:
        body = (await client.get(url, headers=headers)).json()
        return None if body.get("pending", True) else body

    return check


async def test_quiz_updates_weak_areas_and_recommendations(client, factory, worker):
    teacher = await factory.instructor()
    # Keys never shown, so all three submissions are evidence (a retake after seeing the key is not).
    course = await factory.course(teacher, quiz_policy={"reveal": "never"})
    await factory.course(teacher, title="Lists in depth", prerequisite_skills=["python.loops"])
    student = await factory.student(career_goals=["software developer"])
    h = student["headers"]
    await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=h)
    for _ in range(3):
        res = await client.post(
            "/api/progress/update/",
            json={"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 1}},
            headers=h,
        )
        assert res.status_code == 200

    async def weak_areas():
        progress = (await client.get(f"/api/progress/{course['id']}/", headers=h)).json()
        areas = progress.get("weak_areas", [])
        # Every submission queues a refresh; wait for the one that saw all three.
        return areas if areas and areas[0]["attempts"] == 3 else None

    weak = await wait_for(weak_areas)
    assert weak[0]["skill"] == "python.lists"
    assert weak[0]["attempts"] == 3 and weak[0]["recent_errors"] >= 1
    assert all(w["skill"] != "python.loops" for w in weak[:1])

    url = f"/api/ai/recommendations/{student['id']}/"
    # The same refresh stores the recommendations a moment after the weak areas.
    recs = await wait_for(_stored(client, url, h))
    assert recs["generated_at"] and recs["source"] == "learner_model"
    assert set(recs) >= {"recommended_courses", "learning_path", "generated_at", "weak_areas", "next_lessons"}
    for rec in recs["recommended_courses"]:
        assert 0.0 <= rec["confidence_score"] <= 1.0 and rec["reason"]
        assert rec["course_id"] != course["id"]  # never recommends a course already taken
    assert recs["learning_path"]["goal_skills"]
    mine = (await client.get("/api/ai/weak-areas/", headers=h)).json()
    assert mine[0]["skill"] == "python.lists"
    klass_res = await client.get(f"/api/ai/courses/{course['id']}/weak-areas/", headers=teacher["headers"])
    assert klass_res.status_code == 200, klass_res.text
    klass = klass_res.json()
    lists = next(row for row in klass["skills"] if row["skill"] == "python.lists")
    assert lists["students"] == 1 and lists["students_weak"] == 1 and lists["mean_mastery"] < 0.5
    assert lists["attempts"] == 3 and klass["skills"][0]["skill"] == "python.lists"
    assert (await client.get(f"/api/ai/courses/{course['id']}/weak-areas/", headers=h)).status_code == 403


async def test_recommendations_authorization(client, factory, worker):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    student = await factory.student()
    await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
    url = f"/api/ai/recommendations/{student['id']}/"
    assert (await client.get(url, headers=student["headers"])).status_code == 200
    assert (await client.get(url, headers=teacher["headers"])).status_code == 200
    stranger, other_teacher = await factory.student(), await factory.instructor()
    assert (await client.get(url, headers=stranger["headers"])).status_code == 404
    assert (await client.get(url, headers=other_teacher["headers"])).status_code == 404
    assert (await client.get("/api/ai/recommendations/$where/", headers=student["headers"])).status_code in (400, 404)
    assert (await client.post(f"/api/ai/courses/{course['id']}/train/", headers=student["headers"])).status_code == 403
    assert (
        await client.post(f"/api/ai/courses/{course['id']}/train/", headers=other_teacher["headers"])
    ).status_code == 403
    assert (await client.post(f"/api/ai/courses/{course['id']}/train/", headers=teacher["headers"])).status_code == 202


async def test_retraining_runs_on_the_worker(client, factory, worker, settings):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    student = await factory.student()
    await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
    body = {"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 0}}
    assert (await client.post("/api/progress/update/", json=body, headers=student["headers"])).status_code == 200
    assert (await client.post(f"/api/ai/courses/{course['id']}/train/", headers=teacher["headers"])).status_code == 202
    model_dir = settings.var_dir / "models" / "kt" / course["id"]

    async def trained():
        return list(model_dir.glob("course-v*.json")) if model_dir.exists() else None

    checkpoints = await wait_for(trained, limit_s=120)
    assert checkpoints



async def test_a_course_just_joined_is_no_longer_recommended(client, factory, worker):
    """The stored recommendations predate the enrollment (nothing refreshed them since): still never suggested."""
    teacher = await factory.instructor()
    first = await factory.course(teacher)
    # Three skills the student's goal calls for: ranked first whatever else the session's catalogue holds.
    skills = ["data.cleaning", "data.aggregation", "data.visualisation"]
    lesson = {"id": "d1", "title": "Tidy tables", "content": "Clean, group, plot.", "skills": skills}
    modules = [{"id": "m1", "title": "Data", "lessons": [lesson]}]
    second = await factory.course(teacher, title="Data wrangling in depth", modules=modules)
    student = await factory.student(career_goals=["data analyst"])
    h = student["headers"]
    await client.post("/api/courses/enroll/", json={"course_id": first["id"]}, headers=h)
    url = f"/api/ai/recommendations/{student['id']}/"
    before = await wait_for(_stored(client, url, h))  # the first read queued the worker's refresh
    assert second["id"] in [r["course_id"] for r in before["recommended_courses"]]
    assert (await client.post("/api/courses/enroll/", json={"course_id": second["id"]}, headers=h)).status_code in (
        200, 201)
    after = (await client.get(url, headers=h)).json()
    assert after["generated_at"] == before["generated_at"]  # the same stored document, not a refreshed one
    assert second["id"] not in [r["course_id"] for r in after["recommended_courses"]]
    reply = await client.post("/api/chat/", json={"message": "what course should I take next?"}, headers=h)
    assert reply.status_code == 200, reply.text
    assert "Data wrangling in depth" not in reply.json()["answer"]
