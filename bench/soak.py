"""``python -m bench.soak --minutes N --json``: mixed load for N minutes; server errors, latency, memory growth.

Starts the embedded stack (Mongo-wire server, redis-server, chromadb, a Celery worker, the API under
uvicorn in its own process) unless ``--url`` points at a running API. Simulated students browse the
catalogue, enroll, take quizzes, read progress, chat and search; instructors upload small materials and
follow their ingestion (see bench/soak_users.py). The last stdout line is one JSON object::

    {"requests": int, "errors_5xx": int, "p95_ms": float, "rss_growth_pct": float | null}

``errors_5xx`` counts responses >= 500 and requests that got no answer; ``p95_ms`` is over every request;
``rss_growth_pct`` is the API process's resident memory at the end against the end of the warm-up (the
first fifth of the run, at most a minute), null when the API's process id is unknown (``--url`` without
``--pid``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from app.embedded.process import ChildService, free_port
from app.embedded.services import start_chroma, start_mongo, start_redis, start_worker, wait_for_worker
from bench.common import log
from bench.load import percentile, start_uvicorn
from bench.soak_users import Instructor, Recorder, Student, course_body, material
from tutor.container import Services
from tutor.db import Mongo
from tutor.settings import Settings

PASSWORD = "soak-benchmark-pass"


def rss_kib(pid: int | None) -> int | None:
    """Resident memory of a process in KiB (Linux /proc), None when unknown."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


async def login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """Log in; answers the bearer header."""
    response = await client.post("/api/auth/login/", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def accounts(client: httpx.AsyncClient, settings: Settings, students: int, instructors: int) -> dict[str, Any]:
    """Instructors (made as ``tutor create-user`` does) with two courses each, and registered students."""
    run = uuid.uuid4().hex[:6]
    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        services = Services.build(mongo, settings)
        for i in range(instructors):
            await services.auth.create_user(
                email=f"soak-i{i}-{run}@example.com", password=PASSWORD, full_name=f"Teacher {i}", role="instructor"
            )
    finally:
        await mongo.close()
    teachers, courses = [], []
    for i in range(instructors):
        headers = await login(client, f"soak-i{i}-{run}@example.com")
        own = []
        for j in range(2):
            created = await client.post("/api/courses/", json=course_body(f"{run}-{i}-{j}"), headers=headers)
            created.raise_for_status()
            own.append(created.json()["id"])
        teachers.append((headers, own))
        courses += own
    learners = []
    for i in range(students):
        email = f"soak-s{i}-{run}@example.com"
        body = {"email": email, "password": PASSWORD, "full_name": f"Student {i}"}
        (await client.post("/api/auth/register/", json=body)).raise_for_status()
        learners.append(await login(client, email))
    return {"teachers": teachers, "students": learners, "courses": courses}


async def soak(
    base_url: str, settings: Settings, minutes: float, users: tuple[int, int], pid: int | None
) -> dict[str, Any]:
    """Run the mixed load against ``base_url`` and summarise it."""
    recorder = Recorder()
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        made = await accounts(client, settings, *users)
        await prime(client, made)
        rng = random.Random(20261130)
        crowd: list[Student | Instructor] = [
            Student(client, recorder, headers, random.Random(rng.random()), made["courses"])
            for headers in made["students"]
        ]
        crowd += [Instructor(client, recorder, h, random.Random(rng.random()), own) for h, own in made["teachers"]]
        duration = minutes * 60
        warmup = min(60.0, duration / 5)
        until = time.monotonic() + duration
        tasks = [
            asyncio.create_task(user.run(until, (0.3, 1.5) if isinstance(user, Student) else (1.0, 3.0)))
            for user in crowd
        ]
        await asyncio.sleep(warmup)
        baseline = rss_kib(pid)
        log(f"warm-up done: {recorder.requests} requests, rss {baseline} KiB")
        while time.monotonic() < until:
            await asyncio.sleep(min(30.0, max(0.0, until - time.monotonic())))
            log(f"{recorder.requests} requests, {recorder.errors_5xx} errors, rss {rss_kib(pid)} KiB")
        await asyncio.gather(*tasks)
    final = rss_kib(pid)
    log(f"statuses: {dict(sorted(recorder.statuses.items()))}")
    for line in recorder.failures:
        log(f"server error: {line}")
    growth = None if baseline is None or final is None else round((final - baseline) / baseline * 100, 2)
    return {
        "requests": recorder.requests,
        "errors_5xx": recorder.errors_5xx,
        "p95_ms": round(percentile(recorder.latencies_ms, 95), 2) if recorder.latencies_ms else 0.0,
        "rss_growth_pct": growth,
    }


def start_stack(stack: ExitStack, root: Path) -> tuple[str, Settings, int]:
    """Start every server and the API in its own process; answers (API URL, settings, API pid)."""

    def owned(service: ChildService) -> ChildService:
        stack.callback(service.stop)
        return service

    mongo, mongo_url = start_mongo(root / "mongo")
    owned(mongo)
    redis, redis_url = start_redis()
    owned(redis)
    chroma, chroma_url = start_chroma(root / "chroma")
    owned(chroma)
    settings = Settings(
        env="test", var_dir=root / "var", mongodb_url=mongo_url, redis_url=redis_url, chroma_url=chroma_url,
        mongodb_db="soak", jwt_secret="soak-" + "s" * 40,
    )  # fmt: skip
    env = {
        **os.environ,
        "TUTOR_ENV": "test",
        "TUTOR_VAR_DIR": str(settings.var_dir),
        "MONGODB_URL": mongo_url,
        "MONGODB_DB": settings.mongodb_db,
        "REDIS_URL": redis_url,
        "CHROMA_URL": chroma_url,
        "JWT_SECRET": settings.jwt_secret or "",
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    worker = owned(start_worker(log_path=root / "worker.log", extra_env=env))
    wait_for_worker(redis_url, worker, root / "worker.log")
    port = free_port()
    api = start_uvicorn("app.asgi:app_factory", port, env)

    def stop_api(proc: subprocess.Popen[bytes] = api) -> None:
        proc.terminate()
        proc.wait(timeout=15)

    stack.callback(stop_api)
    return f"http://127.0.0.1:{port}", settings, api.pid


async def prime(client: httpx.AsyncClient, made: dict[str, Any]) -> None:
    """Load what the first requests would otherwise load mid-run (the embedding model in the API and the
    worker), so that the figures describe the steady state: one upload ingested, one search, one chat."""
    student, (teacher, own) = made["students"][0], made["teachers"][0]
    await client.post("/api/courses/enroll/", json={"course_id": own[0]}, headers=student)
    files = [("file", ("primer.md", material("primer", 0), "text/markdown"))]
    job = (await client.post(f"/api/courses/{own[0]}/materials/", files=files, headers=teacher)).json()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = (await client.get(f"/api/ingest/jobs/{job['id']}/", headers=teacher)).json().get("state")
        if state not in ("queued", "running"):
            break
        await asyncio.sleep(1)
    await client.get(f"/api/courses/{own[0]}/search/", params={"q": "for loop"}, headers=student)
    await client.post("/api/chat/", json={"message": "What is a for loop?", "course_id": own[0]}, headers=student)


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the run (fractions allowed)")
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--instructors", type=int, default=2)
    parser.add_argument("--url", help="a running API (its MONGODB_URL/MONGODB_DB must be in the environment)")
    parser.add_argument("--pid", type=int, help="the API's process id, for the memory figure with --url")
    parser.add_argument("--json", action="store_true", help="print the JSON summary last, on one line")
    args = parser.parse_args()
    users = (args.students, args.instructors)
    with ExitStack() as stack:
        if args.url:
            url, settings, pid = args.url, Settings(), args.pid
        else:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="soak-")))
            url, settings, pid = start_stack(stack, root)
        result = asyncio.run(soak(url, settings, args.minutes, users, pid))
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
