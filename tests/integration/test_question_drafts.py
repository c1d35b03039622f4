"""Question drafts over HTTP: generate on the worker → list → edit → approve → a student is graded on it.

The worker runs the offline generator over material ingested through the real pipeline; drafts stay
with the course's instructor (students and other instructors get 403/404), bad edits get 400, and an
approved draft is an ordinary quiz question: its key is hidden from students and grading is the server's.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from tests.integration.test_materials import upload, wait_job

pytestmark = pytest.mark.asyncio

MATERIAL = b"""# Working with collections

## Lists

A list is an ordered collection that can be changed after it is created.
The append method adds one item to the end of a list, and the pop method removes the last item.
Slicing returns a new list that holds a part of the original list, so the original stays as it was.
Lists may hold items of different types, although most lists in practice hold items of one kind.
Sorting a list in place with the sort method changes the order of its items and returns None.

## Tuples

A tuple is an ordered collection that cannot be changed after it is created.
Tuples are often used to return several values from a function at once.
Unpacking assigns the items of a tuple to several names in one statement.
Because a tuple cannot change, a tuple of strings can be used as a dictionary key.
A tuple with one item needs a trailing comma, otherwise the parentheses only group an expression.

## Dictionaries

A dictionary maps unique keys to values.
The get method returns a default value when a key is missing instead of raising an error.
Keys of a dictionary must be hashable, so a list cannot be a key.
Looping over a dictionary visits its keys in the order in which they were inserted.
The items method returns pairs of keys and values, which a for loop can unpack.

## Sets

A set is an unordered collection of distinct items.
Adding an item that is already in a set leaves the set unchanged.
Set comprehensions build a set from an iterable in one expression.
The union of two sets holds every item that is in either set.
Membership tests with the in operator are fast for sets, even when they hold many items.

## Counting with a loop

The following loop adds the numbers from one to four and prints the total.
A running total starts at zero and grows by one number on each pass of the loop.

    total = 0
    for n in range(1, 5):
        total = total + n
    print(total)
"""


async def wait_drafts_job(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job = (await client.get(url, headers=headers)).json()
        if job["state"] in ("succeeded", "failed"):
            return dict(job)
        await asyncio.sleep(0.3)
    raise AssertionError(f"question job did not finish: {job}")


async def generated(client: httpx.AsyncClient, factory: Any, count: int = 5) -> tuple[dict, str, dict]:
    teacher = await factory.instructor()
    cid = (await factory.course(teacher, price=0))["id"]
    res = await upload(client, cid, teacher["headers"], [("collections.md", MATERIAL)], lesson_id="l2")
    assert res.status_code == 202, res.text
    assert (await wait_job(client, res.json()["id"], teacher["headers"]))["state"] == "succeeded"
    res = await client.post(f"/api/courses/{cid}/question-drafts/", json={"count": count}, headers=teacher["headers"])
    assert res.status_code == 202, res.text
    job = res.json()
    assert job["state"] == "queued" and job["requested"] == count
    url = f"/api/courses/{cid}/question-drafts/jobs/{job['id']}/"
    return teacher, cid, await wait_drafts_job(client, url, teacher["headers"])


async def test_generate_edit_approve_and_a_student_is_graded_on_it(client, factory, worker):
    teacher, cid, job = await generated(client, factory)
    assert job["state"] == "succeeded", job
    assert 1 <= job["kept"] <= 5 and job["generator"] == "local-v1"
    assert job["generated"] == job["kept"] + sum(job["rejected"].values())

    listed = (await client.get(f"/api/courses/{cid}/question-drafts/", headers=teacher["headers"])).json()["items"]
    assert sorted(d["id"] for d in listed) == sorted(job["draft_ids"])
    draft = listed[0]
    assert draft["status"] == "draft" and draft["generator"] == "local-v1"
    assert 3 <= len(draft["choices"]) <= 5 and len(set(draft["choices"])) == len(draft["choices"])
    assert 0 <= draft["answer"] < len(draft["choices"])
    # The passage it came from, as extracted (headings without their Markdown marks), and its citation.
    assert draft["source_text"].split("\n", 1)[0] in ("Lists", "Tuples", "Dictionaries", "Sets", "Counting with a loop")
    assert " ".join(draft["source_text"].split()[1:6]) in " ".join(MATERIAL.decode().split())
    assert draft["citation"]["source_name"] == "collections.md" and draft["citation"]["course_id"] == cid
    assert draft["lesson_id"] == "l2"

    # An edit is checked as a whole question: a duplicate choice or an answer out of range is a 400.
    url = f"/api/courses/{cid}/question-drafts/{draft['id']}/"
    bad = await client.patch(url, json={"choices": ["a", "A ", "b"]}, headers=teacher["headers"])
    assert bad.status_code == 400 and "distinct" in bad.text
    bad = await client.patch(url, json={"answer": 7}, headers=teacher["headers"])
    assert bad.status_code == 400 and "answer" in bad.text
    unchanged = await client.patch(url, json={}, headers=teacher["headers"])
    assert unchanged.status_code == 200 and unchanged.json()["prompt"] == draft["prompt"]
    assert (await client.patch(url, json={"lesson_id": "nope"}, headers=teacher["headers"])).status_code == 400
    edited = await client.patch(url, json={"prompt": "Edited: " + draft["prompt"]}, headers=teacher["headers"])
    assert edited.status_code == 200, edited.text
    assert edited.json()["prompt"].startswith("Edited: ") and edited.json()["edited"] is True

    approved = await client.post(f"{url}approve/", json={"lesson_id": "l1"}, headers=teacher["headers"])
    assert approved.status_code == 200, approved.text
    question_id = approved.json()["question_id"]
    assert approved.json()["draft"]["status"] == "approved" and approved.json()["lesson_id"] == "l1"
    again = await client.post(f"{url}approve/", json={"lesson_id": "l1"}, headers=teacher["headers"])
    assert again.status_code == 409
    assert (await client.delete(url, headers=teacher["headers"])).status_code == 409

    # The student sees the question without its key and is graded by the server.
    student = await factory.student()
    assert (await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=student["headers"])).is_success
    course = (await client.get(f"/api/courses/{cid}/", headers=student["headers"])).json()
    lesson = next(x for m in course["modules"] for x in m["lessons"] if x["id"] == "l1")
    shown = next(q for q in lesson["quiz"]["questions"] if q["id"] == question_id)
    assert shown["prompt"].startswith("Edited: ") and "answer" not in shown and "explanation" not in shown
    answers = {q["id"]: 0 for q in lesson["quiz"]["questions"]}
    answers[question_id] = draft["answer"]
    res = await client.post(
        "/api/progress/update/",
        json={"course_id": cid, "lesson_id": "l1", "quiz_answers": answers},
        headers=student["headers"],
    )
    assert res.status_code == 200, res.text
    result = next(r for r in res.json()["quiz_result"]["results"] if r["question_id"] == question_id)
    assert result["correct"] is True

    # Another draft is rejected: it leaves the review list and shows under "rejected".
    other = next(d for d in listed if d["id"] != draft["id"])
    assert (
        await client.delete(f"/api/courses/{cid}/question-drafts/{other['id']}/", headers=teacher["headers"])
    ).status_code == 204
    pending = (await client.get(f"/api/courses/{cid}/question-drafts/?status=draft", headers=teacher["headers"])).json()
    assert other["id"] not in [d["id"] for d in pending["items"]]
    rejected = (
        await client.get(f"/api/courses/{cid}/question-drafts/?status=rejected", headers=teacher["headers"])
    ).json()
    assert [d["id"] for d in rejected["items"]] == [other["id"]]


async def test_drafts_are_the_course_instructors_alone(client, factory, worker):
    teacher, cid, job = await generated(client, factory, count=2)
    draft_id = job["draft_ids"][0]
    student, stranger = await factory.student(), await factory.instructor()
    await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=student["headers"])
    base = f"/api/courses/{cid}/question-drafts/"
    calls: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", base, None),
        ("POST", base, {"count": 1}),
        ("GET", f"{base}jobs/{job['id']}/", None),
        ("PATCH", f"{base}{draft_id}/", {"prompt": "mine now"}),
        ("POST", f"{base}{draft_id}/approve/", {"lesson_id": "l1"}),
        ("DELETE", f"{base}{draft_id}/", None),
        ("GET", f"/api/courses/{cid}/concepts/", None),
        ("PUT", f"/api/courses/{cid}/concepts/", {"concepts": []}),
    ]
    for who, allowed in ((student, (403,)), (stranger, (403, 404))):
        for method, url, body in calls:
            res = await client.request(method, url, json=body, headers=who["headers"])
            assert res.status_code in allowed, (method, url, res.status_code, res.text)
    # Nothing changed.
    mine = (await client.get(base, headers=teacher["headers"])).json()["items"]
    assert {d["status"] for d in mine} == {"draft"} and "mine now" not in [d["prompt"] for d in mine]


async def test_bad_requests_are_400_or_404_and_store_nothing(client, factory):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    base = f"/api/courses/{cid}/question-drafts/"
    for body in ({"count": 0}, {"count": 51}, {"count": "many"}, {}, {"count": 3, "skills": ["bad skill!"]}, [1]):
        res = await client.post(base, json=body, headers=teacher["headers"])
        assert res.status_code == 400, (body, res.text)
    assert (
        await client.post(base, json={"count": 2, "lesson_id": "zz"}, headers=teacher["headers"])
    ).status_code == 404
    res = await client.post(base, json={"count": 2, "document_ids": ["nope"]}, headers=teacher["headers"])
    assert res.status_code == 404
    assert (await client.get(f"{base}?status=maybe", headers=teacher["headers"])).status_code == 400
    assert (await client.get(base, headers=teacher["headers"])).json() == {"items": []}


async def test_a_course_without_material_fails_its_job_plainly(client, factory, worker):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    res = await client.post(f"/api/courses/{cid}/question-drafts/", json={"count": 3}, headers=teacher["headers"])
    job = await wait_drafts_job(
        client, f"/api/courses/{cid}/question-drafts/jobs/{res.json()['id']}/", teacher["headers"]
    )
    assert job["state"] == "failed" and "no indexed material" in job["error"]


async def test_concepts_are_proposed_accepted_and_tag_new_drafts(client, factory, worker):
    teacher, cid, _ = await generated(client, factory, count=1)
    proposed = (await client.get(f"/api/courses/{cid}/concepts/", headers=teacher["headers"])).json()["items"]
    assert proposed and all(c["passages"] for c in proposed) and not any(c["accepted"] for c in proposed)
    names = [c["name"].lower() for c in proposed]
    assert any("dictionar" in n for n in names) and any("tuple" in n for n in names)
    chosen = [{"id": c["id"], "name": c["name"]} for c in proposed[:3]]
    res = await client.put(f"/api/courses/{cid}/concepts/", json={"concepts": chosen}, headers=teacher["headers"])
    assert res.status_code == 200, res.text
    accepted = [c["id"] for c in res.json()["items"] if c["accepted"]]
    assert sorted(accepted) == sorted(c["id"] for c in chosen)
    bad = await client.put(
        f"/api/courses/{cid}/concepts/", json={"concepts": [chosen[0], chosen[0]]}, headers=teacher["headers"]
    )
    assert bad.status_code == 400
    for body in ({"concepts": "loops"}, {"concepts": 3}, {"concepts": [{"id": 1}]}):  # found by the fuzzer as 500s
        wrong = await client.put(f"/api/courses/{cid}/concepts/", json=body, headers=teacher["headers"])
        assert wrong.status_code == 400 and "concepts" in wrong.text, wrong.text
    # New drafts carry only accepted concepts (or the lesson's own skills).
    res = await client.post(f"/api/courses/{cid}/question-drafts/", json={"count": 8}, headers=teacher["headers"])
    job = await wait_drafts_job(
        client, f"/api/courses/{cid}/question-drafts/jobs/{res.json()['id']}/", teacher["headers"]
    )
    drafts = (await client.get(f"/api/courses/{cid}/question-drafts/", headers=teacher["headers"])).json()["items"]
    tags = {s for d in drafts if d["id"] in job["draft_ids"] for s in d["skills"]}
    assert tags and tags <= {*accepted, "python.loops", "python.lists"}
    course = (await client.get(f"/api/courses/{cid}/", headers=teacher["headers"])).json()
    assert course["skill_names"][chosen[0]["id"]] == chosen[0]["name"]
