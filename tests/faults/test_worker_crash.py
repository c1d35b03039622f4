"""A worker killed mid-ingestion: the job is delivered again and completes, every chunk exactly once.

Two crashes: the pool process running the task dies (an out-of-memory kill), and the whole worker dies
(the machine or container goes away) and a new worker starts. No one retries by hand in either case.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from ingest.chunking import Chunker
from ingest.loaders import load_document
from retrieval.service import RetrievalService
from tests.faults.stack import kill
from tests.integration.test_course_removal import stored_files, wait_removal
from tests.integration.test_ingest_recovery import big_document
from tests.integration.test_materials import upload, wait_job

pytestmark = [pytest.mark.asyncio, pytest.mark.slow, pytest.mark.timeout(600)]


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


async def started_job(client, factory, services) -> tuple[dict, str, dict, int]:
    """Upload a big file and wait until the worker has recorded progress on it; answers (teacher, course, job, expected chunks)."""
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    data = big_document()
    expected = len(Chunker().chunk(load_document("big.md", data), course_id=cid, document_id="d"))
    res = await upload(client, cid, teacher["headers"], [("big.md", data)])
    assert res.status_code == 202, res.text
    job_id = res.json()["id"]
    jobs = services.mongo.collection("ingest_jobs")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = await jobs.find_one({"_id": job_id})
        if job and job.get("chunks_done", 0) > 0:
            return teacher, cid, job, expected
        await asyncio.sleep(0.05)
    raise AssertionError(f"the worker made no progress on job {job_id}")


async def assert_indexed_once(client, stack, teacher, cid, job_id, expected) -> None:
    final = await wait_job(client, job_id, teacher["headers"], limit_s=300)
    assert final["state"] == "succeeded", (final, stack.worker_log())
    assert final["chunks_done"] == final["chunks_total"] == expected
    retrieval = RetrievalService.create(chroma_url=stack.settings.chroma_url)
    chunks = (await asyncio.to_thread(retrieval.store.snapshot, cid)).chunks
    assert len(chunks) == expected
    assert max(Counter(chunk.id for chunk in chunks).values()) == 1
    listed = (await client.get(f"/api/courses/{cid}/materials/", headers=teacher["headers"])).json()
    assert [(m["filename"], m["status"], m["chunks"]) for m in listed] == [("big.md", "indexed", expected)]


async def test_pool_process_killed_mid_job(stack, client, factory, stack_services):
    worker = stack.start_worker()
    assert worker.proc is not None
    teacher, cid, job, expected = await started_job(client, factory, stack_services)
    assert 0 < job["chunks_done"] < expected
    for child in children(worker.proc.pid):
        os.kill(child, signal.SIGKILL)
    await assert_indexed_once(client, stack, teacher, cid, job["_id"], expected)
    assert worker.proc.poll() is None  # the same worker carried on


async def test_whole_worker_killed_mid_job_then_a_new_worker(stack, client, factory, stack_services):
    if stack.worker is None or stack.worker.proc is None or stack.worker.proc.poll() is not None:
        stack.start_worker()
    teacher, cid, job, expected = await started_job(client, factory, stack_services)
    assert 0 < job["chunks_done"] < expected
    assert stack.worker is not None
    kill(stack.worker)
    stack.start_worker()
    await assert_indexed_once(client, stack, teacher, cid, job["_id"], expected)


async def test_whole_worker_killed_mid_course_removal_then_a_new_worker(stack, client, factory, stack_services):
    """The removal waits for the running upload; the worker dies meanwhile; a new worker finishes it."""
    if stack.worker is None or stack.worker.proc is None or stack.worker.proc.poll() is not None:
        stack.start_worker()
    teacher, cid, _job, _ = await started_job(client, factory, stack_services)
    res = await client.delete(f"/api/courses/{cid}/", headers=teacher["headers"])
    assert res.status_code == 202, res.text
    removals = stack_services.mongo.collection("course_removals")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the removal task is on the worker, waiting for the upload to stop
        removal = await removals.find_one({"_id": cid})
        if removal and removal.get("state") in ("running", "waiting"):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"the removal never started: {removal}")
    assert stack.worker is not None
    kill(stack.worker)
    stack.start_worker()
    final = await wait_removal(client, cid, teacher["headers"], limit_s=240)
    assert final["state"] == "succeeded", (final, stack.worker_log())
    # Not asserted: ``removed`` counts what runs recorded, and a run killed between deleting a step's items
    # and recording how many leaves them uncounted. What matters is that nothing is left anywhere:
    assert stored_files(stack.settings.var_dir, cid) == []
    retrieval = RetrievalService.create(chroma_url=stack.settings.chroma_url)
    assert await asyncio.to_thread(retrieval.count, cid) == 0
    db = stack_services.mongo
    for collection in ("materials", "ingest_jobs", "courses"):
        key = "_id" if collection == "courses" else "course_id"
        assert await db.collection(collection).count_documents({key: cid}) == 0, collection
