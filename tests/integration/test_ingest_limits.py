"""Per-document caps and Celery time limits, against the real worker, Redis, chromadb and HTTP API."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest

from app.components import storage_for
from ingest.records import plan_upload
from tests.integration.test_materials import upload, wait_job
from tests.polling import wait_for
from tutor.celery_app import make_celery
from tutor.settings import Settings

pytestmark = pytest.mark.asyncio

PARAGRAPH = (
    "Loops repeat a block of statements while a condition holds, and each pass through the body is called "
    "an iteration of the loop in Python programs today."
)


def pdf_with_pages(count: int) -> bytes:
    """A PDF of ``count`` empty pages (cheap to make; the page cap applies before any text is read)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def markdown_with_sections(count: int) -> bytes:
    """Markdown whose every section is one chunk: ``count`` chunks in well under the 1 MB test upload limit."""
    return "\n\n".join(f"## Topic {i}\n\n{PARAGRAPH} {PARAGRAPH}" for i in range(count)).encode()


async def test_documents_over_the_caps_fail_alone_with_a_clear_error(client, factory, worker, settings):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    h = teacher["headers"]
    pages, chunks = settings.max_document_pages, settings.max_document_chunks
    files = [
        ("thick.pdf", pdf_with_pages(pages + 1)),
        ("endless.md", markdown_with_sections(chunks + 100)),
        ("fine.md", b"# Fine\n\nThe cap-proof word is quillomander."),
    ]
    res = await upload(client, cid, h, files)
    assert res.status_code == 202, res.text
    job = await wait_job(client, res.json()["id"], h)
    assert job["state"] == "partial", job
    by_name = {f["filename"]: f for f in job["files"]}
    assert by_name["thick.pdf"]["status"] == "failed"
    assert by_name["thick.pdf"]["error_code"] == "too_many_pages"
    assert f"{pages + 1} pages; the limit is {pages}" in by_name["thick.pdf"]["error"]
    assert by_name["endless.md"]["status"] == "failed"
    assert by_name["endless.md"]["error_code"] == "too_many_chunks"
    assert f"the limit is {chunks}" in by_name["endless.md"]["error"]
    assert by_name["fine.md"]["status"] == "indexed"
    assert job["chunks_total"] == by_name["fine.md"]["chunks"]  # nothing of the rejected files was indexed

    listed = {m["filename"]: m for m in (await client.get(f"/api/courses/{cid}/materials/", headers=h)).json()}
    assert listed["endless.md"]["status"] == "failed" and listed["endless.md"]["error_code"] == "too_many_chunks"
    hits = (await client.get(f"/api/courses/{cid}/search/", params={"q": "quillomander"}, headers=h)).json()
    assert hits["results"] and all(hit["citation"]["source_name"] == "fine.md" for hit in hits["results"])


async def test_the_worker_runs_with_the_configured_time_limits(worker, settings):
    app = make_celery(settings)
    inspect = app.control.inspect(timeout=5)
    registered = await asyncio.to_thread(inspect.registered, "soft_time_limit", "time_limit")
    assert registered, "the worker did not answer"
    tasks = next(iter(registered.values()))
    soft, hard = settings.ingest_soft_time_limit_s, settings.ingest_time_limit_s
    assert f"ingest.run_job [soft_time_limit={soft} time_limit={hard}]" in tasks, tasks
    stats = next(iter((await asyncio.to_thread(inspect.stats)).values()))
    # The solo pool would ignore every limit; prefork enforces them (defaults for the other tasks).
    assert stats["pool"]["timeouts"] == [settings.task_soft_time_limit_s, settings.task_time_limit_s], stats["pool"]


async def queue_without_running(
    services, settings: Settings, course_id: str, owner: str, data: bytes, name: str = "long.md"
) -> str:
    """Store one file and its job as an upload does, without sending the task (the test sends it)."""
    plan = plan_upload(course_id, [(name, len(data), None)], owner)
    storage = storage_for(settings)
    materials = services.records.materials
    for doc_id, fields in plan.materials.items():
        await asyncio.to_thread(storage.put, plan.keys[doc_id], data, "text/markdown")
        await materials.upsert(doc_id, fields)
    await services.mongo.collection("ingest_jobs").insert_one(plan.job)
    return str(plan.job["_id"])


async def test_a_job_past_its_soft_time_limit_is_failed_and_the_worker_goes_on(
    client, factory, worker, settings, services
):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    h = teacher["headers"]
    # Warm the worker (embedding model loaded) so the limit interrupts indexing, not start-up.
    warm = await upload(client, cid, h, [("warm.md", b"# Warm\n\nA first small file.")])
    assert (await wait_job(client, warm.json()["id"], h))["state"] == "succeeded"

    # About 900 chunks: many seconds of embedding on any machine, far beyond a one-second limit.
    job_id = await queue_without_running(services, settings, cid, teacher["id"], markdown_with_sections(900))
    send = make_celery(settings).send_task
    await asyncio.to_thread(send, "ingest.run_job", args=[job_id], soft_time_limit=1, time_limit=600)
    job = await wait_job(client, job_id, h)
    assert job["state"] == "failed", job

    async def recorded() -> Any:
        # The interrupted run can mark the job failed a moment before the time-limit record lands.
        current = (await client.get(f"/api/ingest/jobs/{job_id}/", headers=h)).json()
        return current if current.get("error_code") else None

    job = await wait_for(recorded, limit_s=30)
    assert job["error_code"] == "time_limit"
    assert "longer than the 1-second limit" in job["error"]
    assert job["files"][0]["status"] == "failed" and job["files"][0]["error_code"] == "time_limit"
    materials = (await client.get(f"/api/courses/{cid}/materials/", headers=h)).json()
    assert next(m for m in materials if m["filename"] == "long.md")["status"] == "failed"
    # What had been indexed of the unfinished file was removed again.
    hits = (await client.get(f"/api/courses/{cid}/search/", params={"q": "Topic 5 iteration"}, headers=h)).json()
    assert all(hit["citation"]["source_name"] != "long.md" for hit in hits["results"])

    # The worker is free again.
    after = await upload(client, cid, h, [("after.md", b"# After\n\nThe worker still answers.")])
    assert (await wait_job(client, after.json()["id"], h))["state"] == "succeeded"


async def test_a_job_killed_at_its_hard_time_limit_is_recorded_failed(
    client, factory, worker, settings, services, monkeypatch
):
    # At the hard limit the worker's child process is killed mid-task (nothing of the task runs any more);
    # Celery then calls the task's on_failure in the worker's parent process, as done here.
    from celery.exceptions import TimeLimitExceeded

    import ingest.tasks

    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    job_id = await queue_without_running(services, settings, cid, teacher["id"], markdown_with_sections(3))
    jobs = services.mongo.collection("ingest_jobs")
    await jobs.update_one({"_id": job_id}, {"$set": {"state": "running", "files.0.status": "indexing"}})
    monkeypatch.setattr(ingest.tasks, "get_settings", lambda: settings)
    task = ingest.tasks.run_job
    await asyncio.to_thread(task.on_failure, TimeLimitExceeded(720), "task-id", (job_id,), {}, None)

    job = (await client.get(f"/api/ingest/jobs/{job_id}/", headers=teacher["headers"])).json()
    assert job["state"] == "failed" and job["error_code"] == "time_limit"
    assert "longer than the 720-second limit" in job["error"]
    assert job["files"][0]["status"] == "failed" and job["files"][0]["error"] == job["error"]
    # Any other failure is left to the normal path.
    other = await queue_without_running(services, settings, cid, teacher["id"], b"# Other", name="other.md")
    await asyncio.to_thread(task.on_failure, RuntimeError("boom"), "task-id", (other,), {}, None)
    assert (await jobs.find_one({"_id": other}))["state"] == "queued"

    # Retried, the stopped job runs again and no longer carries the old error.
    retry = await client.post(f"/api/ingest/jobs/{job_id}/retry/", headers=teacher["headers"])
    assert retry.status_code == 202
    deadline = asyncio.get_running_loop().time() + 180
    while (await jobs.find_one({"_id": job_id}))["state"] == "failed":
        assert asyncio.get_running_loop().time() < deadline, "the retried job did not start"
        await asyncio.sleep(0.3)
    again = await wait_job(client, job_id, teacher["headers"])
    assert again["state"] == "succeeded" and "error" not in again and "error_code" not in again
