"""The caller's own data: export everything (and nothing of anyone else), delete the account."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tutor.repositories.thread_archive import ThreadArchiveRepository
from tutor.repositories.threads import ThreadRepository

pytestmark = pytest.mark.asyncio


async def active_student(client, factory, course_id: str, marker: str) -> dict[str, Any]:
    """A student enrolled in ``course_id`` with a graded quiz and a chat thread mentioning ``marker``."""
    student = await factory.student(career_goals=[f"goal {marker}"])
    h = student["headers"]
    assert (await client.post("/api/courses/enroll/", json={"course_id": course_id}, headers=h)).status_code == 201
    body = {"course_id": course_id, "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 1}}
    assert (await client.post("/api/progress/update/", json=body, headers=h)).status_code == 200
    chat = await client.post("/api/chat/", json={"message": f"What is {marker}?", "course_id": course_id}, headers=h)
    assert chat.status_code in (200, 201), chat.text
    return student


async def archive_oldest(client, services, student: dict[str, Any]) -> None:
    """Move all but the newest message of the student's thread to the archive (as the thread cap does)."""
    (thread,) = (await client.get("/api/chat/threads/", headers=student["headers"])).json()
    threads = ThreadRepository(services.mongo.collection("chat_threads"))
    archive = ThreadArchiveRepository(services.mongo.collection("chat_archive"), threads)
    assert await archive.archive_overflow(thread["id"], keep=1) == 1


async def wait_for_recommendations(client, student: dict[str, Any]) -> None:
    """Until the worker has stored the student's recommendations (a read before that answers ``pending``)."""
    deadline = time.monotonic() + 90
    url = f"/api/ai/recommendations/{student['id']}/"
    while time.monotonic() < deadline:
        res = await client.get(url, headers=student["headers"])
        if res.status_code == 200 and res.json().get("pending") is False:
            return
        await asyncio.sleep(0.3)
    raise AssertionError("no recommendations")


async def test_export_holds_the_callers_data_and_nobody_elses(client, factory, worker, services):
    teacher = await factory.instructor()
    course = await factory.course(teacher, title="Exported course")
    me = await active_student(client, factory, course["id"], "quillwort")
    other = await active_student(client, factory, course["id"], "zymurgist")
    await archive_oldest(client, services, me)
    await wait_for_recommendations(client, me)
    await wait_for_recommendations(client, other)

    res = await client.get("/api/auth/me/export/", headers=me["headers"])
    assert res.status_code == 200, res.text
    export = res.json()
    assert {"user", "enrollments", "progress", "quiz_attempts", "threads", "recommendations"} <= set(export)
    assert export["user"]["id"] == me["id"] and export["user"]["email"] == me["email"]
    assert export["user"]["profile"]["career_goals"] == ["goal quillwort"]
    assert [(e["course_id"], e["course_title"], e["status"]) for e in export["enrollments"]] == [
        (course["id"], "Exported course", "active")
    ]
    assert [p["course_id"] for p in export["progress"]] == [course["id"]]
    assert export["progress"][0]["quiz_scores"][0]["lesson_id"] == "l1"
    assert len(export["quiz_attempts"]) == 2 and {a["user_id"] for a in export["quiz_attempts"]} == {me["id"]}
    (thread,) = export["threads"]
    assert [m["role"] for m in thread["messages"]] == ["user", "assistant"]  # the archived one first
    assert "quillwort" in thread["messages"][0]["content"]
    assert export["recommendations"]["user_id"] == me["id"]
    text = res.text
    assert "password" not in text and "argon2" not in text
    assert other["id"] not in text and other["email"] not in text and "zymurgist" not in text
    assert (await client.get("/api/auth/me/export/")).status_code == 401


async def test_deleting_an_account_removes_every_personal_record(client, factory, worker, services):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    me = await active_student(client, factory, course["id"], "quillwort")
    await wait_for_recommendations(client, me)
    await archive_oldest(client, services, me)
    uid, h = me["id"], me["headers"]
    db = services.mongo
    assert await db.collection("chat_archive").count_documents({"user_id": uid}) == 1
    url = "/api/auth/me/"

    assert (await client.request("DELETE", url, json={"password": "not my password"}, headers=h)).status_code == 403
    assert (await client.request("DELETE", url, json={}, headers=h)).status_code == 400
    assert (await client.request("DELETE", url, json={"password": me["password"]})).status_code == 401
    assert (await client.get(url, headers=h)).status_code == 200  # nothing happened yet
    res = await client.request("DELETE", url, json={"password": me["password"]}, headers=h)
    assert res.status_code == 204, res.text

    assert (await client.get(url, headers=h)).status_code == 401
    assert (await client.get("/api/auth/me/export/", headers=h)).status_code == 401
    refresh = await client.post("/api/auth/refresh/", json={"refresh_token": me["tokens"]["refresh_token"]})
    assert refresh.status_code == 401
    login = await client.post("/api/auth/login/", json={"email": me["email"], "password": me["password"]})
    assert login.status_code == 401
    personal = ("users", "enrollments", "user_progress", "chat_threads", "chat_archive", "ai_recommendations", "sessions")
    for collection in personal:
        key = "_id" if collection == "users" else "user_id"
        assert await db.collection(collection).count_documents({key: uid}) == 0, collection
    # Attempts stay for the course's statistics, under an id that leads to nobody.
    assert await db.collection("quiz_attempts").count_documents({"user_id": uid}) == 0
    assert await db.collection("quiz_attempts").count_documents({"course_id": course["id"]}) == 2
    stored = await db.collection("courses").find_one({"_id": course["id"]})
    assert stored is not None and stored["enrollments"] == 0

    again = await client.post(
        "/api/auth/register/", json={"email": me["email"], "password": me["password"], "full_name": "Back again"}
    )
    assert again.status_code == 201, again.text
    assert again.json()["id"] != uid
    fresh = await factory.login(me["email"], me["password"])
    export = (await client.get("/api/auth/me/export/", headers=fresh["headers"])).json()
    assert export["enrollments"] == [] and export["quiz_attempts"] == [] and export["threads"] == []


async def test_an_instructor_with_courses_must_remove_them_first(client, factory, worker):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    body = {"password": teacher["password"]}
    res = await client.request("DELETE", "/api/auth/me/", json=body, headers=teacher["headers"])
    assert res.status_code == 409
    assert "transfer" in res.json()["detail"] and course["id"] in res.json()["extra"]["course_ids"]
    assert (await client.get("/api/auth/me/", headers=teacher["headers"])).status_code == 200

    assert (await client.delete(f"/api/courses/{course['id']}/", headers=teacher["headers"])).status_code == 202
    res = await client.request("DELETE", "/api/auth/me/", json=body, headers=teacher["headers"])
    assert res.status_code == 204, res.text
    assert (await client.get("/api/auth/me/", headers=teacher["headers"])).status_code == 401
