"""Renaming a lesson, module or course re-indexes its material (citations show the new titles); an
instructor can re-index a course on request, and files whose index is current are left alone."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.integration.test_materials import LOOPS_MD, upload, wait_job

pytestmark = pytest.mark.asyncio


async def heading_of(client, cid: str, headers: dict, expected: list[str], limit_s: float = 180) -> list[str]:
    """The top hit's heading path for "zebracorn", once it starts with ``expected`` (or the last one seen)."""
    deadline = time.monotonic() + limit_s
    path: list[str] = []
    while time.monotonic() < deadline:
        hits = (await client.get(f"/api/courses/{cid}/search/", params={"q": "zebracorn"}, headers=headers)).json()
        path = hits["results"][0]["citation"]["heading_path"]
        if path[: len(expected)] == expected:
            return path
        await asyncio.sleep(0.3)
    return path


async def test_renamed_titles_are_cited_after_the_material_is_indexed_again(client, factory, worker):
    teacher = await factory.instructor()
    h = teacher["headers"]
    course = await factory.course(teacher, title="Iteration 101")
    cid = course["id"]
    job = await wait_job(client, (await upload(client, cid, h, [("loops.md", LOOPS_MD)], lesson_id="l1")).json()["id"], h)
    assert job["state"] == "succeeded" and job["reason"] == "upload"
    assert (await heading_of(client, cid, h, ["Iteration 101", "Basics", "Loops"]))[:3] == ["Iteration 101", "Basics", "Loops"]

    renamed = await client.patch(f"/api/courses/{cid}/lessons/l1/", json={"title": "Looping"}, headers=h)
    assert renamed.status_code == 200, renamed.text
    assert (await heading_of(client, cid, h, ["Iteration 101", "Basics", "Looping"]))[:3] == ["Iteration 101", "Basics", "Looping"]
    await client.patch(f"/api/courses/{cid}/modules/m1/", json={"title": "Foundations"}, headers=h)
    await client.patch(f"/api/courses/{cid}/", json={"title": "Iteration 102"}, headers=h)
    want = ["Iteration 102", "Foundations", "Looping"]
    assert (await heading_of(client, cid, h, want))[:3] == want

    # On request: nothing changed, so the file is left as it is.
    again = await client.post(f"/api/courses/{cid}/materials/reindex/", headers=h)
    assert again.status_code == 202, again.text
    assert again.json()["reason"] == "refresh" and again.json()["created_by"] == teacher["id"]
    done = await wait_job(client, again.json()["id"], h)
    assert done["state"] == "succeeded" and [f["status"] for f in done["files"]] == ["unchanged"]
    listed = (await client.get(f"/api/courses/{cid}/materials/", headers=h)).json()
    assert [m["status"] for m in listed] == ["unchanged"] and listed[0]["chunks"] > 0


async def test_only_the_courses_instructor_can_reindex_and_a_course_without_material_says_so(client, factory):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    empty = await client.post(f"/api/courses/{cid}/materials/reindex/", headers=teacher["headers"])
    assert empty.status_code == 409 and "no material" in empty.json()["detail"]
    student = await factory.student()
    await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=student["headers"])
    assert (await client.post(f"/api/courses/{cid}/materials/reindex/", headers=student["headers"])).status_code == 403
    other = await factory.instructor()
    assert (await client.post(f"/api/courses/{cid}/materials/reindex/", headers=other["headers"])).status_code == 403
    assert (await client.post("/api/courses/no-such-course/materials/reindex/", headers=teacher["headers"])).status_code == 404
