"""Deleting a course: hidden at once, then a worker job removes files, chunks and jobs; re-runs are harmless."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ingest.removal import CourseRemoval
from ingest.storage.s3 import S3FileStorage
from recommender.learner import course_model_dir
from retrieval.service import RetrievalService
from tests.integration.test_ingest_s3 import moto_url, storage  # noqa: F401  (fixtures)
from tests.integration.test_materials import LOOPS_MD, upload, wait_job
from tutor.repositories.course_removals import CourseRemovalRepository
from tutor.schemas.common import utcnow

pytestmark = pytest.mark.asyncio


async def wait_removal(client, course_id: str, headers: dict, attempts: int = 1, limit_s: float = 120) -> dict:
    """Poll the removal job until it succeeded (for the ``attempts``-th time) or failed."""
    deadline = time.monotonic() + limit_s
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        res = await client.get(f"/api/courses/{course_id}/removal/", headers=headers)
        assert res.status_code == 200, res.text
        job = res.json()
        if job["state"] == "failed" or (job["state"] == "succeeded" and job["attempts"] >= attempts):
            return job
        await asyncio.sleep(0.3)
    raise AssertionError(f"removal of {course_id} did not finish: {job}")


def stored_files(var_dir: Path, course_id: str) -> list[Path]:
    folder = var_dir / "files" / "courses" / course_id
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


async def course_with_material_and_student(client, factory) -> dict[str, Any]:
    teacher = await factory.instructor()
    course = await factory.course(teacher, title="Course to remove")
    res = await upload(client, course["id"], teacher["headers"], [("loops.md", LOOPS_MD)], lesson_id="l1")
    ingest = await wait_job(client, res.json()["id"], teacher["headers"])
    assert ingest["state"] == "succeeded", ingest
    student = await factory.student()
    h = student["headers"]
    assert (await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=h)).status_code == 201
    body = {"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 0}}
    assert (await client.post("/api/progress/update/", json=body, headers=h)).status_code == 200
    return {"teacher": teacher, "course": course, "student": student, "ingest_job": ingest["id"]}


async def test_deleting_a_course_cascades_on_the_worker(client, factory, worker, settings, services):
    arranged = await course_with_material_and_student(client, factory)
    teacher, student, cid = arranged["teacher"], arranged["student"], arranged["course"]["id"]
    h = student["headers"]
    retrieval = RetrievalService.create(chroma_url=settings.chroma_url)
    hits = await client.get(f"/api/courses/{cid}/search/", params={"q": "zebracorn"}, headers=h)
    assert hits.status_code == 200 and hits.json()["results"]
    assert stored_files(settings.var_dir, cid) and await asyncio.to_thread(retrieval.count, cid) > 0

    checkpoints = course_model_dir(settings.var_dir, cid)
    checkpoints.mkdir(parents=True, exist_ok=True)
    (checkpoints / "kt.pt").write_bytes(b"checkpoint")

    res = await client.delete(f"/api/courses/{cid}/", headers=teacher["headers"])
    assert res.status_code == 202, res.text
    assert res.json()["course_id"] == cid and res.json()["state"] in ("queued", "running", "succeeded")
    # Gone at once for everyone: course page, catalogue, the student's enrollments, progress, search.
    assert (await client.get(f"/api/courses/{cid}/", headers=h)).status_code == 404
    listed = (await client.get("/api/courses/", params={"page_size": 100}, headers=h)).json()["items"]
    assert cid not in [c["id"] for c in listed]
    assert cid not in [e["course_id"] for e in (await client.get("/api/enrollments/", headers=h)).json()]
    assert (await client.get(f"/api/progress/{cid}/", headers=h)).status_code == 404
    assert cid not in [p["course_id"] for p in (await client.get("/api/progress/", headers=h)).json()]
    assert (await client.get(f"/api/courses/{cid}/search/", params={"q": "zebracorn"}, headers=h)).status_code == 404
    assert (await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=h)).status_code == 404

    job = await wait_removal(client, cid, teacher["headers"])
    assert job["state"] == "succeeded", job
    assert job["removed"]["enrollments"] == 1 and job["removed"]["files"] >= 1 and job["removed"]["chunks"] > 0
    assert job["removed"]["materials"] == 1 and job["removed"]["ingest_jobs"] == 1
    assert stored_files(settings.var_dir, cid) == []
    for _ in range(100):  # the checkpoints go in a follow-up task
        if not checkpoints.exists():
            break
        await asyncio.sleep(0.1)
    assert not checkpoints.exists()
    assert await asyncio.to_thread(retrieval.count, cid) == 0
    assert await asyncio.to_thread(retrieval.search, cid, "zebracorn counter") == []
    db = services.mongo
    assert await db.collection("materials").count_documents({"course_id": cid}) == 0
    assert await db.collection("ingest_jobs").count_documents({"course_id": cid}) == 0
    assert await db.collection("courses").count_documents({"_id": cid}) == 0
    job_res = await client.get(f"/api/ingest/jobs/{arranged['ingest_job']}/", headers=teacher["headers"])
    assert job_res.status_code == 404

    # The student's own data stays, for their export: the enrollment (marked), progress and attempts.
    export = (await client.get("/api/auth/me/export/", headers=h)).json()
    enrollment = next(e for e in export["enrollments"] if e["course_id"] == cid)
    assert enrollment["status"] == "course_removed" and enrollment["course_title"] == "Course to remove"
    assert cid in [p["course_id"] for p in export["progress"]]
    assert len([a for a in export["quiz_attempts"] if a["course_id"] == cid]) == 2
    assert (await client.get(f"/api/progress/{cid}/", headers=h)).status_code == 404

    # Deleting again re-runs the job: nothing to remove, nothing breaks.
    again = await client.delete(f"/api/courses/{cid}/", headers=teacher["headers"])
    assert again.status_code == 202, again.text
    rerun = await wait_removal(client, cid, teacher["headers"], attempts=2)
    assert rerun["state"] == "succeeded" and rerun["attempts"] == 2
    assert rerun["removed"] == job["removed"]
    assert await asyncio.to_thread(retrieval.count, cid) == 0
    assert (await client.get(f"/api/courses/{cid}/", headers=teacher["headers"])).status_code == 404


async def test_a_removal_left_running_by_a_dead_worker_resumes(client, factory, worker, settings, services):
    arranged = await course_with_material_and_student(client, factory)
    teacher, cid = arranged["teacher"], arranged["course"]["id"]
    # As if a worker had started the job, hidden the course and died before deleting anything.
    removals = CourseRemovalRepository(services.mongo.collection("course_removals"))
    course = await services.mongo.collection("courses").find_one({"_id": cid})
    await removals.open(course)
    # Every course write bumps its version (CourseRepository.set_fields does): caches compare versions.
    await services.mongo.collection("courses").update_one(
        {"_id": cid}, {"$set": {"status": "removing"}, "$inc": {"version": 1}}
    )
    stale = utcnow() - timedelta(minutes=30)
    await services.mongo.collection("course_removals").update_one(
        {"_id": cid}, {"$set": {"state": "running", "attempts": 1, "updated_at": stale}}
    )
    assert (await client.get(f"/api/courses/{cid}/", headers=teacher["headers"])).status_code == 404
    assert stored_files(settings.var_dir, cid)

    res = await client.delete(f"/api/courses/{cid}/", headers=teacher["headers"])
    # queued again (a quick worker may already have taken it up, or finished it, when the answer is read back)
    assert res.status_code == 202, res.text
    job = await wait_removal(client, cid, teacher["headers"], attempts=2)
    assert job["state"] == "succeeded", job
    assert stored_files(settings.var_dir, cid) == []
    retrieval = RetrievalService.create(chroma_url=settings.chroma_url)
    assert await asyncio.to_thread(retrieval.count, cid) == 0
    enrollments = await services.mongo.collection("enrollments").find({"course_id": cid}).to_list(None)
    assert [e["status"] for e in enrollments] == ["course_removed"]


async def test_only_the_instructor_deletes_or_polls(client, factory, worker):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    student, other = await factory.student(), await factory.instructor()
    for who in (student, other):
        assert (await client.delete(f"/api/courses/{cid}/", headers=who["headers"])).status_code == 403
    assert (await client.get(f"/api/courses/{cid}/", headers=student["headers"])).status_code == 200
    assert (await client.get(f"/api/courses/{cid}/removal/", headers=teacher["headers"])).status_code == 404
    assert (await client.delete(f"/api/courses/{cid}/", headers=teacher["headers"])).status_code == 202
    assert (await client.get(f"/api/courses/{cid}/removal/", headers=other["headers"])).status_code == 404
    assert (await client.delete(f"/api/courses/{cid}/", headers=other["headers"])).status_code == 404
    assert (await client.get(f"/api/courses/{cid}/removal/", headers=student["headers"])).status_code == 403
    assert (await wait_removal(client, cid, teacher["headers"]))["state"] == "succeeded"
    assert (await client.delete("/api/courses/no-such-course/", headers=teacher["headers"])).status_code == 404


class CountedChunks:
    """A chunk store that only counts chunks per course."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts

    def count(self, course_id: str) -> int:
        return self.counts.get(course_id, 0)

    def delete_course(self, course_id: str) -> None:
        self.counts.pop(course_id, None)


async def test_the_cascade_empties_s3_and_leaves_other_courses(factory, services, storage: S3FileStorage):  # noqa: F811
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    cid = course["id"]
    for key in (f"courses/{cid}/materials/d1/a.md", f"courses/{cid}/materials/d2/b.pdf", "courses/other/keep.md"):
        storage.put(key, b"x")
    materials = services.mongo.collection("materials")
    await materials.insert_one({"_id": f"{cid}-d1", "course_id": cid, "storage_key": f"courses/{cid}/materials/d1/a.md"})
    chunks = CountedChunks({cid: 3, "other": 2})
    removal = CourseRemoval.over(services.mongo, storage, chunks)
    await removal.removals.open(await services.mongo.collection("courses").find_one({"_id": cid}))

    await removal.run(cid)
    job = await removal.removals.get(cid)
    assert job is not None and job["state"] == "succeeded"
    assert job["removed"] == {
        "enrollments": 0, "files": 2, "chunks": 3, "materials": 1, "ingest_jobs": 0, "question_drafts": 0, "question_jobs": 0,
        "content_gaps": 0,
    }  # fmt: skip
    assert storage.list_keys(f"courses/{cid}/") == [] and storage.list_keys("courses/other/") == ["courses/other/keep.md"]
    assert chunks.counts == {"other": 2}
    await removal.run(cid)  # a second run finds nothing left and changes nothing
    assert (await removal.removals.get(cid) or {})["removed"] == job["removed"]
