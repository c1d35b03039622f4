"""A worker killed mid-job, then the job re-run: every chunk exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from ingest.chunking import Chunker
from ingest.loaders import load_document
from retrieval.service import RetrievalService
from tests.conftest import service_env
from tests.integration.test_materials import wait_job

pytestmark = pytest.mark.asyncio

RUN_JOB = """
import sys
from app.components import pipeline_for
from ingest.local_run import LocalFile, ingest_local
from tutor.settings import Settings
data = open(sys.argv[2], "rb").read()
ingest_local(Settings(), pipeline_for(Settings()), sys.argv[1], [LocalFile("big.md", data)], progress=False)
"""


def big_document() -> bytes:
    # About 400 chunks: more than one embedding batch, so progress is recorded before the kill.
    sentence = "Paragraph {i} explains topic number {i} with enough words to stand alone as a passage. "
    sections = [f"## Section {i}\n\n" + sentence.format(i=i) * 10 for i in range(400)]
    return ("# Big lesson\n\n" + "\n\n".join(sections)).encode()


async def test_killed_worker_then_rerun_leaves_no_duplicates(client, factory, worker, settings, services, tmp_path):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    data = big_document()
    path = tmp_path / "big.md"
    path.write_bytes(data)
    expected = len(Chunker().chunk(load_document("big.md", data), course_id=cid, document_id="d"))
    argv = [sys.executable, "-c", RUN_JOB, cid, str(path)]
    proc = subprocess.Popen(argv, env=service_env(settings), start_new_session=True)  # noqa: ASYNC220
    jobs = services.mongo.collection("ingest_jobs")
    deadline = time.monotonic() + 240
    job = None
    while time.monotonic() < deadline:
        job = await jobs.find_one({"course_id": cid})
        if job and job.get("chunks_done", 0) > 0:
            break
        assert proc.poll() is None, "the ingesting process ended before it could be killed"
        await asyncio.sleep(0.05)
    assert job is not None and 0 < job["chunks_done"] < expected, job
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    retry = await client.post(f"/api/ingest/jobs/{job['_id']}/retry/", headers=teacher["headers"])
    assert retry.status_code == 202
    await asyncio.sleep(1)
    final = await wait_job(client, job["_id"], teacher["headers"])
    assert final["state"] == "succeeded", final
    retrieval = RetrievalService.create(chroma_url=settings.chroma_url)
    chunks = (await asyncio.to_thread(retrieval.store.snapshot, cid)).chunks
    ids = Counter(chunk.id for chunk in chunks)
    assert len(chunks) == expected
    assert max(ids.values()) == 1

    # Running the finished job once more changes nothing.
    await client.post(f"/api/ingest/jobs/{job['_id']}/retry/", headers=teacher["headers"])
    await asyncio.sleep(1)
    again = await wait_job(client, job["_id"], teacher["headers"])
    assert again["files"][0]["status"] in ("unchanged", "indexed")
    assert await asyncio.to_thread(retrieval.count, cid) == expected
