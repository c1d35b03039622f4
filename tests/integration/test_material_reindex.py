"""Renaming a lesson, module or course re-indexes its material (citations show the new titles); an
instructor can re-index a course on request, and files whose index is current are left alone."""

from __future__ import annotations

import asyncio
import time

import pytest

from app.components import storage_for
from ingest.records import new_job
from ingest.time_limit import REFRESH_NOT_REACHED
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
    [job] = again.json()
    assert job["reason"] == "refresh" and job["created_by"] == teacher["id"]
    done = await wait_job(client, job["id"], h)
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


async def indexed_course(client, factory, files: list[tuple[str, bytes]]) -> tuple[dict, str]:
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    job = await wait_job(client, (await upload(client, cid, teacher["headers"], files)).json()["id"], teacher["headers"])
    assert job["state"] == "succeeded", job
    return teacher, cid


async def test_a_refresh_stopped_at_its_time_limit_leaves_unreached_files_searchable_and_due_again(
    client, factory, worker, settings, services
):
    from app.components import pipeline_for
    from ingest.time_limit import record_time_limit
    from tutor.repositories.blocking import BlockingRepositories

    teacher, cid = await indexed_course(client, factory, [("loops.md", LOOPS_MD)])
    h = teacher["headers"]
    job = new_job(cid, "system", await services.records.materials.of_course(cid), reason="refresh")
    job.update(state="running")
    job["files"][0]["status"] = "indexing"  # parsed, not reached by the embedding yet
    await services.records.jobs.insert(job)
    store = BlockingRepositories(settings.mongodb_url or "", settings.mongodb_db)
    try:  # what the task does past its soft limit
        await asyncio.to_thread(record_time_limit, store, job["_id"], 600, pipeline_for(settings).retrieval)
    finally:
        store.close()

    stopped = (await client.get(f"/api/ingest/jobs/{job['_id']}/", headers=h)).json()
    assert stopped["state"] == "failed" and stopped["files"][0]["error"] == REFRESH_NOT_REACHED
    [material] = (await client.get(f"/api/courses/{cid}/materials/", headers=h)).json()
    assert material["status"] == "indexed" and material["chunks"] > 0  # as it was
    hits = (await client.get(f"/api/courses/{cid}/search/", params={"q": "zebracorn"}, headers=h)).json()["results"]
    assert hits and "zebracorn" in hits[0]["text"]
    # Its hash was forgotten: the next re-index takes it up again.
    [again] = (await client.post(f"/api/courses/{cid}/materials/reindex/", headers=h)).json()
    assert [f["status"] for f in (await wait_job(client, again["id"], h))["files"]] == ["indexed"]


async def test_a_file_missing_from_storage_fails_alone_and_the_rest_is_indexed(client, factory, worker, settings, services):
    teacher, cid = await indexed_course(client, factory, [("loops.md", LOOPS_MD), ("notes.md", b"# Notes\n\nShort notes.")])
    h = teacher["headers"]
    gone = next(m for m in await services.records.materials.of_course(cid) if m["filename"] == "notes.md")
    await asyncio.to_thread(storage_for(settings).delete, gone["storage_key"])
    [job] = (await client.post(f"/api/courses/{cid}/materials/reindex/", headers=h)).json()
    done = await wait_job(client, job["id"], h)
    assert done["state"] == "partial", done
    by_name = {f["filename"]: f for f in done["files"]}
    assert by_name["loops.md"]["status"] == "unchanged"
    assert by_name["notes.md"]["status"] == "failed" and by_name["notes.md"]["error_code"] == "missing_file"
    listed = {m["filename"]: m for m in (await client.get(f"/api/courses/{cid}/materials/", headers=h)).json()}
    assert listed["notes.md"]["status"] == "failed" and "upload it again" in listed["notes.md"]["error"]


async def test_a_refresh_still_waiting_in_the_queue_is_answered_instead_of_queuing_another(client, factory, services):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    await services.records.materials.upsert("doc-1", {"course_id": cid, "filename": "a.md", "storage_key": "k"})
    waiting = new_job(cid, "system", await services.records.materials.of_course(cid), reason="refresh")
    await services.records.jobs.insert(waiting)  # queued, never sent: no worker has started it
    answered = await client.post(f"/api/courses/{cid}/materials/reindex/", headers=teacher["headers"])
    assert answered.status_code == 202 and [j["id"] for j in answered.json()] == [waiting["_id"]]


async def test_a_rename_while_a_job_runs_leaves_its_files_due_for_the_next_refresh(client, factory, worker, settings, services):
    from app.components import pipeline_for
    from ingest.worker import process_job
    from tutor.repositories.blocking import BlockingRepositories

    teacher, cid = await indexed_course(client, factory, [("loops.md", LOOPS_MD)])
    [material] = await services.records.materials.of_course(cid)
    await services.records.materials.mark_unindexed(material["_id"], {})  # so that this job indexes it
    job = new_job(cid, "system", [material], reason="refresh")
    await services.records.jobs.insert(job)
    store = BlockingRepositories(settings.mongodb_url or "", settings.mongodb_db)
    pipeline = pipeline_for(settings)
    ingest = pipeline.ingest

    def renaming_ingest(files, **kwargs):  # the instructor renames the course while the job runs
        store.run(store.repos.courses.set_fields(cid, {"title": "Renamed meanwhile"}))
        return ingest(files, **kwargs)

    pipeline.ingest = renaming_ingest  # type: ignore[method-assign,assignment]
    try:
        summary = await asyncio.to_thread(process_job, job["_id"], store, pipeline)
    finally:
        store.close()
    assert summary["state"] == "succeeded" and [f["status"] for f in summary["files"]] == ["indexed"]
    assert "indexed_hash" not in (await services.records.materials.get(material["_id"]))  # due again
    # The refresh the rename queues (queued here by hand: the rename went straight to the database).
    [refresh] = (await client.post(f"/api/courses/{cid}/materials/reindex/", headers=teacher["headers"])).json()
    assert [f["status"] for f in (await wait_job(client, refresh["id"], teacher["headers"]))["files"]] == ["indexed"]
    hits = (await client.get(f"/api/courses/{cid}/search/", params={"q": "zebracorn"}, headers=teacher["headers"])).json()
    assert hits["results"][0]["citation"]["heading_path"][0] == "Renamed meanwhile"
