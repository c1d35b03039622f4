"""Chat over real HTTP with the offline local tutor model: streaming, citations, tools, threads, limits."""

from __future__ import annotations

import pytest

from tests.integration.test_materials import upload, wait_job
from tests.sse import collect

pytestmark = pytest.mark.asyncio

LESSON = b"""# Loops

## For loops

A for loop runs its body once for every item of a sequence such as a list or a range.
Use range(5) to repeat a block five times.

## While loops

A while loop keeps running while its condition is true, so the body must eventually make it false.
"""


@pytest.fixture
async def course_with_material(client, factory, worker):
    teacher = await factory.instructor()
    course = await factory.course(teacher, title="Looping in Python")
    res = await upload(client, course["id"], teacher["headers"], [("loops.md", LESSON)], lesson_id="l1")
    job = await wait_job(client, res.json()["id"], teacher["headers"])
    assert job["state"] == "succeeded"
    student = await factory.student()
    await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
    return {"course": course, "teacher": teacher, "student": student}


async def test_streamed_grounded_answer_and_thread(client, course_with_material):
    student, cid = course_with_material["student"], course_with_material["course"]["id"]
    events = await collect(
        client, {"message": "How do I repeat a block five times with a for loop?", "course_id": cid}, student["headers"]
    )
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert kinds.count("token") >= 2
    assert "citation" in kinds
    citation = next(data for kind, data in events if kind == "citation")
    assert citation["citation"]["lesson_id"] == "l1"
    done = events[-1][1]
    assert events[0][1] == {"thread_id": done["thread_id"], "course_id": cid, "mode": "answer", "review": "off"}
    assert "range" in done["answer"]
    assert done["model"] and done["prompt_version"]
    assert done["incomplete"] is False
    thread = (await client.get(f"/api/chat/threads/{done['thread_id']}/", headers=student["headers"])).json()
    assert [m["role"] for m in thread["messages"]] == ["user", "assistant"]
    assert thread["messages"][1]["content"] == done["answer"]
    assert thread["messages"][1]["prompt_version"] == done["prompt_version"]
    listed = (await client.get("/api/chat/threads/", headers=student["headers"])).json()
    assert done["thread_id"] in [t["id"] for t in listed]
    # A follow-up in the same thread.
    again = await client.post(
        "/api/chat/", json={"message": "And a while loop?", "thread_id": done["thread_id"]}, headers=student["headers"]
    )
    assert again.status_code == 200
    assert again.json()["thread_id"] == done["thread_id"]
    thread = (await client.get(f"/api/chat/threads/{done['thread_id']}/", headers=student["headers"])).json()
    assert len(thread["messages"]) == 4


async def test_off_course_question_is_declined(client, course_with_material):
    student, cid = course_with_material["student"], course_with_material["course"]["id"]
    res = await client.post(
        "/api/chat/", json={"message": "Who painted the Mona Lisa?", "course_id": cid}, headers=student["headers"]
    )
    assert res.status_code == 200
    assert "covered by this course" in res.json()["answer"].lower()


async def test_enroll_through_chat(client, factory, course_with_material):
    student = course_with_material["student"]
    teacher = await factory.instructor()
    target = await factory.course(teacher, title="Quantum Basket Weaving", price=0)  # paid: see test_chat_conversation
    events = await collect(client, {"message": "Please enroll me in Quantum Basket Weaving"}, student["headers"])
    calls = [data for kind, data in events if kind == "tool_call"]
    results = [data for kind, data in events if kind == "tool_result"]
    assert any(c["name"] == "enroll" for c in calls)
    assert any(r["name"] == "enroll" and r["ok"] for r in results)
    mine = (await client.get("/api/enrollments/", headers=student["headers"])).json()
    assert target["id"] in [e["course_id"] for e in mine]


async def test_threads_are_private(client, factory, course_with_material):
    student, cid = course_with_material["student"], course_with_material["course"]["id"]
    res = await client.post(
        "/api/chat/", json={"message": "What is a for loop?", "course_id": cid}, headers=student["headers"]
    )
    thread_id = res.json()["thread_id"]
    intruder = await factory.student()
    assert (await client.get(f"/api/chat/threads/{thread_id}/", headers=intruder["headers"])).status_code == 404
    assert (await client.delete(f"/api/chat/threads/{thread_id}/", headers=intruder["headers"])).status_code == 404
    hijack = await client.post(
        "/api/chat/", json={"message": "hi", "thread_id": thread_id}, headers=intruder["headers"]
    )
    assert hijack.status_code == 404
    searching_other_course = await client.post(
        "/api/chat/", json={"message": "What is a for loop?", "course_id": cid}, headers=intruder["headers"]
    )
    assert searching_other_course.status_code == 200
    assert not any(e["type"] == "citation" for e in searching_other_course.json()["events"])
    assert (await client.delete(f"/api/chat/threads/{thread_id}/", headers=student["headers"])).status_code == 204
    assert (await client.get(f"/api/chat/threads/{thread_id}/", headers=student["headers"])).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"message": ""},
        {"message": "x" * 5000},
        {"message": "hi", "mode": "evil"},
        {"message": "hi", "user_id": "someone"},
        {"message": {"$gt": ""}},
        {"message": "hi", "thread_id": "../x"},
    ],
)
async def test_bad_chat_bodies(client, factory, body):
    student = await factory.student()
    res = await client.post("/api/chat/", json=body, headers=student["headers"])
    assert res.status_code == 400, res.text
