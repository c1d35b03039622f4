"""Feedback on recommendations over HTTP: who may send it, what a bad body gets, what the student then does
is linked to it, it is in the export and goes with the account, and instructors see the policy's decisions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.components import policy_path
from recommender.loop.store import read_serving
from recommender.rl.ppo import PPOSettings, PPOTrainer
from recommender.simulation.sample_course import make_sample_course
from tests.polling import wait_for
from tutor.celery_app import make_celery

pytestmark = pytest.mark.asyncio
URL = "/api/ai/recommendations/feedback/"


async def recommended_student(client, factory, **course: Any) -> tuple[dict, dict, dict, dict]:
    """A teacher, their course, a student enrolled in it, and the student's stored recommendations."""
    teacher = await factory.instructor()
    created = await factory.course(teacher, **course)
    student = await factory.student()
    h = student["headers"]
    assert (await client.post("/api/courses/enroll/", json={"course_id": created["id"]}, headers=h)).status_code == 201

    async def stored() -> dict | None:
        body = (await client.get(f"/api/ai/recommendations/{student['id']}/", headers=h)).json()
        return None if body.get("pending", True) else body

    return teacher, created, student, await wait_for(stored)


async def export_of(client, student: dict) -> dict:
    res = await client.get("/api/auth/me/export/", headers=student["headers"])
    assert res.status_code == 200, res.text
    return dict(res.json())


async def test_a_student_accepts_and_dismisses_what_was_recommended(client, factory, worker):
    teacher, course, student, recs = await recommended_student(client, factory)
    h = student["headers"]
    (lesson,) = [r for r in recs["next_lessons"] if r["lesson_id"] == "l1"]
    # A recommended lesson may be named by its id alone: its course comes from the recommendation.
    res = await client.post(
        URL, json={"item_type": "lesson", "item_id": "l1", "action": "accepted", "rating": 5}, headers=h
    )
    assert res.status_code == 200, res.text
    first = res.json()
    assert first["course_id"] == course["id"] == lesson["course_id"] and first["recommended"] is True
    assert (first["action"], first["rating"], first["answers"]) == ("accepted", 5, 1)
    # A later answer about the same item replaces the earlier one.
    again = await client.post(
        URL, json={"item_type": "lesson", "item_id": "l1", "course_id": course["id"], "action": "dismissed"}, headers=h
    )
    assert again.status_code == 200, again.text
    assert (again.json()["id"], again.json()["action"], again.json()["rating"], again.json()["answers"]) == (
        first["id"], "dismissed", None, 2)  # fmt: skip
    # A lesson that was not recommended needs its course; then it is recorded as not recommended.
    missing = await client.post(URL, json={"item_type": "lesson", "item_id": "l2", "action": "accepted"}, headers=h)
    assert missing.status_code == 404 and "course_id" in missing.json()["detail"]
    named = await client.post(
        URL, json={"item_type": "lesson", "item_id": "l2", "course_id": course["id"], "action": "accepted"}, headers=h
    )
    assert named.status_code == 200 and named.json()["recommended"] is False
    other = await factory.course(teacher, title="Another course")
    res = await client.post(URL, json={"item_type": "course", "item_id": other["id"], "action": "dismissed"}, headers=h)
    assert res.status_code == 200, res.text
    assert res.json()["recommended"] == (other["id"] in [r["course_id"] for r in recs["recommended_courses"]])
    stored = (await export_of(client, student))["recommendation_feedback"]
    assert len(stored) == 3
    l1 = next(f for f in stored if f["item_id"] == "l1")
    assert l1["skills"] == ["python.loops", "python.lists"] and l1["recommendation"]["source"] == lesson["source"]
    assert l1["context"]["mastery"] == recs["mastery"] and l1["context"]["target_skills"] == recs["target_skills"]


BAD_BODIES = [
    ({}, "item_type"),
    ({"item_type": "video", "item_id": "c1", "action": "accepted"}, "item_type"),
    ({"item_type": "course", "item_id": "c1", "action": "maybe"}, "action"),
    ({"item_type": "course", "item_id": "c1"}, "action"),
    ({"item_type": "course", "item_id": "c1", "action": "accepted", "rating": 0}, "rating"),
    ({"item_type": "course", "item_id": "c1", "action": "accepted", "rating": 6}, "rating"),
    ({"item_type": "course", "item_id": "c1", "action": "accepted", "rating": "5"}, "rating"),
    ({"item_type": "course", "item_id": "c1", "action": "accepted", "rating": 4.5}, "rating"),
    ({"item_type": "course", "item_id": "c1", "action": "accepted", "user_id": "someone"}, "user_id"),
    ({"item_type": "course", "item_id": "c1", "action": "accepted", "course_id": "c2"}, "course_id is only for"),
    ({"item_type": "course", "item_id": {"$gt": ""}, "action": "accepted"}, "item_id"),
    ({"item_type": "course", "item_id": "", "action": "accepted"}, "item_id"),
    ({"item_type": "course", "item_id": "x" * 65, "action": "accepted"}, "item_id"),
    ({"item_type": "lesson", "item_id": "l1", "course_id": "a b", "action": "accepted"}, "course_id"),
    ([], ""),
    ("accepted", ""),
    (None, ""),
]


@pytest.mark.parametrize(("body", "named"), BAD_BODIES)
async def test_a_bad_body_is_a_400_that_says_what_is_wrong(client, factory, body, named):
    student = await factory.student()
    res = await client.post(URL, json=body, headers=student["headers"])
    assert res.status_code == 400, res.text
    error = res.json()
    assert error["error"] in ("invalid_input", "bad_request") and error["detail"]
    assert named in res.text


async def test_malformed_json_and_unknown_items_are_refused_cleanly(client, factory, worker):
    teacher, course, student, _ = await recommended_student(client, factory)
    h = student["headers"]
    raw = await client.post(URL, content=b'{"item_type": "course",', headers={**h, "Content-Type": "application/json"})
    assert raw.status_code == 400
    deep = b'{"a":' * 5000 + b"1" + b"}" * 5000
    assert (await client.post(URL, content=deep, headers={**h, "Content-Type": "application/json"})).status_code == 400
    cases = [
        ({"item_type": "course", "item_id": "no-such-course", "action": "accepted"}, 404),
        ({"item_type": "lesson", "item_id": "nope", "course_id": course["id"], "action": "accepted"}, 404),
        ({"item_type": "lesson", "item_id": "l.1", "course_id": course["id"], "action": "accepted"}, 404),
        ({"item_type": "lesson", "item_id": "l1", "course_id": "no-such-course", "action": "accepted"}, 404),
    ]
    other = await factory.course(teacher)  # not taken by the student: its lessons are not theirs to judge
    cases.append(({"item_type": "lesson", "item_id": "l1", "course_id": other["id"], "action": "dismissed"}, 403))
    for body, status in cases:
        res = await client.post(URL, json=body, headers=h)
        assert res.status_code == status, (body, res.text)
        assert res.json()["detail"]


async def test_only_a_signed_in_student_gives_feedback_and_not_too_often(client, factory, worker):
    teacher, course, student, _ = await recommended_student(client, factory)
    body = {"item_type": "course", "item_id": course["id"], "action": "accepted"}
    assert (await client.post(URL, json=body)).status_code == 401
    refused = await client.post(URL, json=body, headers=teacher["headers"])
    assert refused.status_code == 403 and "students" in refused.json()["detail"]
    assert (await client.options(URL)).status_code < 500
    statuses = [(await client.post(URL, json=body, headers=student["headers"])).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    limited = await client.post(URL, json=body, headers=student["headers"])
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1


async def test_what_a_student_does_after_accepting_is_linked_to_it(client, factory, worker):
    teacher, course, student, _ = await recommended_student(client, factory, quiz_policy={"reveal": "never"})
    h = student["headers"]
    other = await factory.course(teacher, title="Taken on advice")
    accept = {"item_type": "lesson", "item_id": "l1", "course_id": course["id"], "action": "accepted"}
    assert (await client.post(URL, json=accept, headers=h)).status_code == 200
    advice = {"item_type": "course", "item_id": other["id"], "action": "accepted", "rating": 4}
    assert (await client.post(URL, json=advice, headers=h)).status_code == 200
    quiz = {"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 0}}
    assert (await client.post("/api/progress/update/", json=quiz, headers=h)).status_code == 200
    assert (await client.post("/api/courses/enroll/", json={"course_id": other["id"]}, headers=h)).status_code == 201
    done = {"course_id": other["id"], "lesson_id": "l2", "completed": True}
    assert (await client.post("/api/progress/update/", json=done, headers=h)).status_code == 200
    # Not after an accepted recommendation: nothing is linked.
    plain = {"course_id": course["id"], "lesson_id": "l2", "completed": True}
    assert (await client.post("/api/progress/update/", json=plain, headers=h)).status_code == 200

    async def closed() -> list[dict] | None:
        found = (await export_of(client, student))["recommendation_interactions"]
        quizzes = [i for i in found if i["kind"] == "quiz_submitted"]
        return found if quizzes and quizzes[0].get("mastery_after") is not None else None

    interactions = await wait_for(closed)  # the worker's refresh after the quiz records the mastery after it
    kinds = sorted((i["kind"], i["item_type"], i["lesson_id"]) for i in interactions)
    assert kinds == [
        ("enrolled", "course", None),
        ("lesson_completed", "course", "l2"),
        ("quiz_submitted", "lesson", "l1"),
    ]
    (taken,) = [i for i in interactions if i["kind"] == "quiz_submitted"]
    assert taken["score"] == 100.0 and taken["skills"] == ["python.loops", "python.lists"]
    assert set(taken["mastery_after"]) == {"python.loops", "python.lists"} and isinstance(taken["gain"], float)
    feedback = {f["item_id"]: f for f in (await export_of(client, student))["recommendation_feedback"]}
    assert feedback["l1"]["interactions"] == 1 and feedback[other["id"]]["interactions"] == 2


async def test_feedback_is_in_the_export_and_goes_with_the_account(client, factory, worker, services):
    _, course, me, _ = await recommended_student(client, factory)
    _, _, someone, _ = await recommended_student(client, factory)
    for student in (me, someone):
        body = {"item_type": "lesson", "item_id": "l1", "course_id": course["id"], "action": "accepted"}
        if student is someone:
            await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
        assert (await client.post(URL, json=body, headers=student["headers"])).status_code == 200
        quiz = {"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 1}}
        assert (await client.post("/api/progress/update/", json=quiz, headers=student["headers"])).status_code == 200
    export = await export_of(client, me)
    assert [(f["user_id"], f["item_id"]) for f in export["recommendation_feedback"]] == [(me["id"], "l1")]
    assert [(i["user_id"], i["kind"]) for i in export["recommendation_interactions"]] == [(me["id"], "quiz_submitted")]

    res = await client.request("DELETE", "/api/auth/me/", json={"password": me["password"]}, headers=me["headers"])
    assert res.status_code == 204, res.text
    db = services.mongo
    for name in ("recommendation_feedback", "recommendation_interactions"):
        assert await db.collection(name).count_documents({"user_id": me["id"]}) == 0, name
        assert await db.collection(name).count_documents({"user_id": someone["id"]}) == 1, name


async def test_instructors_see_the_policy_decisions_and_students_do_not(client, factory):
    teacher, student = await factory.instructor(), await factory.student()
    url = "/api/ai/recommendations/policy/"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=student["headers"])).status_code == 403
    res = await client.get(url, headers=teacher["headers"])
    assert res.status_code == 200, res.text
    body = res.json()
    assert set(body) == {"serving_version", "interval_s", "tolerance", "decisions"} and body["interval_s"] == 86400
    for limit in ("0", "101", "x"):
        assert (await client.get(f"{url}?limit={limit}", headers=teacher["headers"])).status_code == 400


@pytest.fixture
def serving_policy(settings) -> Iterator[Path]:
    """A small trained policy where the worker serves it from; removed afterwards, so other tests see none."""
    path = policy_path(settings)
    trainer = PPOTrainer(make_sample_course(), settings=PPOSettings(batch_learners=32, hidden=32), seed=0)
    trainer.train(60, max_iterations=2)
    trainer.save(path)
    try:
        yield path
    finally:
        for stale in path.parent.glob(f"{path.stem}*"):
            stale.unlink()


async def test_the_worker_trains_the_policy_and_instructors_see_the_decision(
    client, factory, worker, settings, services, serving_policy
):
    teacher, course, student, _ = await recommended_student(client, factory)
    body = {"item_type": "lesson", "item_id": "l1", "course_id": course["id"], "action": "accepted", "rating": 5}
    assert (await client.post(URL, json=body, headers=student["headers"])).status_code == 200
    make_celery(settings).send_task("recommender.train_policy", kwargs={"trigger": "test-worker", "iterations": 2})

    async def decided() -> dict | None:
        res = await client.get("/api/ai/recommendations/policy/", headers=teacher["headers"])
        assert res.status_code == 200, res.text
        found = [d for d in res.json()["decisions"] if d["trigger"] == "test-worker"]
        return found[0] if found else None

    decision = await wait_for(decided, limit_s=240)
    assert decision["decision"] in ("promoted", "rejected"), decision
    assert decision["serving_kind"] == "policy" and decision["serving_version"] == "external"
    assert isinstance(decision["serving_ep"], float) and isinstance(decision["candidate_ep"], float)
    assert decision["n_feedback"] >= 1 and decision["n_students"] >= 1 and decision["training"]["iterations"] == 2
    assert decision["evaluation"]["seeds"][0] == 800_001 and decision["reason"]
    history = (await client.get("/api/ai/recommendations/policy/", headers=teacher["headers"])).json()
    serving_now = decision["candidate_version"] if decision["decision"] == "promoted" else "external"
    assert read_serving(serving_policy).version == serving_now
    if decision["decision"] == "promoted":
        assert history["serving_version"] == decision["candidate_version"]
