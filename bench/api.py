"""``python -m bench.api --json``: API throughput and latency beside a bare Litestar endpoint.

Measures ``GET /api/courses/`` (authenticated, filtered) and ``POST /api/progress/update/`` (a
graded quiz submission) at 1, 16 and 64 keep-alive connections, and a bare Litestar JSON endpoint
served the same way (uvicorn, one process, same machine) in the same run. The load comes from ``wrk``
(installed with apt-get on first use, see :mod:`bench.wrk`), one thread, ``--scale`` seconds per
endpoint and level. Any error or non-2xx answer fails the run.

These cores are shared (a hypervisor takes a varying part of them), so the three endpoints are measured
in rounds of two seconds, one after the other within a round, and each figure is the median over the
rounds: a slow minute then costs all three alike instead of one. On a machine with two or more cores
both servers run on one core and wrk (with the database) on the others. The last stdout line is one
JSON object::

    {"endpoints": {"courses_list"|"progress_update"|"bare_json": {"c1"|"c16"|"c64": {"rps", "p50_ms", "p95_ms"}}},
     "ratios_rps_vs_bare": {"courses_list"|"progress_update": {"c1"|"c16"|"c64": median over rounds of
                            rps / bare rps in the same round}}}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import httpx

from app.embedded.process import free_port
from app.embedded.services import start_mongo, start_redis
from bench.load import start_uvicorn
from bench.wrk import ensure_wrk, run_wrk
from tutor.container import Services
from tutor.db import Mongo
from tutor.seed import seed_demo
from tutor.settings import Settings

LEVELS = (1, 16, 64)
ROUND_S = 2  # seconds of one endpoint's load in one round


async def _prepare(base: str, mongo_url: str, settings: Settings) -> dict[str, str]:
    mongo = Mongo(mongo_url, settings.mongodb_db)
    await mongo.ensure_indexes()
    await seed_demo(Services.build(mongo, settings))
    await mongo.close()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        await client.post("/api/auth/register/", json={"email": email, "password": "bench password", "full_name": "B"})
        login = (await client.post("/api/auth/login/", json={"email": email, "password": "bench password"})).json()
        headers = {"Authorization": f"Bearer {login['access_token']}"}
        await client.post("/api/courses/enroll/", json={"course_id": "python-intro"}, headers=headers)
        course = (await client.get("/api/courses/python-intro/", headers=headers)).json()
    lesson = next(lesson for module in course["modules"] for lesson in module["lessons"] if lesson.get("quiz"))
    first_q = lesson["quiz"]["questions"][0]["id"]
    return {"token": login["access_token"], "lesson_id": lesson["id"], "question_id": first_q}


def _measure(
    app_url: str, bare_url: str, ctx: dict[str, str], scale: int, wrk_cpus: set[int] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    auth = {"Authorization": f"Bearer {ctx['token']}"}
    body = {"course_id": "python-intro", "lesson_id": ctx["lesson_id"], "quiz_answers": {ctx["question_id"]: 0}}
    wrk = ensure_wrk()
    steps: dict[str, dict[str, Any]] = {
        "bare_json": {"url": f"{bare_url}/bare"},
        "courses_list": {"url": f"{app_url}/api/courses/?category=programming&page_size=10", "headers": auth},
        "progress_update": {
            "url": f"{app_url}/api/progress/update/",
            "method": "POST",
            "headers": {**auth, "Content-Type": "application/json"},
            "body": json.dumps(body),
        },
    }
    for step in steps.values():  # warm up: connections, the catalogue cache, first passes through each route
        run_wrk(connections=4, seconds=1, wrk=wrk, cpus=wrk_cpus, **step)
    rounds = max(1, round(scale / ROUND_S))
    out: dict[str, dict[str, Any]] = {name: {} for name in ("courses_list", "progress_update", "bare_json")}
    ratios: dict[str, dict[str, float]] = {"courses_list": {}, "progress_update": {}}
    for level in LEVELS:
        seen: dict[str, list[dict[str, float]]] = {name: [] for name in steps}
        for index in range(rounds):
            # The order turns each round, so no endpoint always follows the same one.
            names = list(steps)[index % len(steps) :] + list(steps)[: index % len(steps)]
            for name in names:
                run = run_wrk(connections=level, seconds=scale / rounds, wrk=wrk, cpus=wrk_cpus, **steps[name])
                seen[name].append(run)
        key = f"c{level}"
        for name, runs in seen.items():
            out[name][key] = {field: round(statistics.median(run[field] for run in runs), 2) for field in runs[0]}
        for name in ratios:
            per_round = [ours["rps"] / bare["rps"] for ours, bare in zip(seen[name], seen["bare_json"], strict=True)]
            ratios[name][key] = round(statistics.median(per_round), 3)
        print(f"{key}: {json.dumps({k: v[key] for k, v in out.items()})}", file=sys.stderr)
    return out, ratios


def _cores() -> tuple[set[int] | None, set[int] | None]:
    """The core for both servers and the cores for wrk, or ``(None, None)`` on a one-core machine."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return None, None
    return {available[-1]}, set(available[:-1])


def _pin(proc: subprocess.Popen[bytes] | None, cpus: set[int] | None) -> None:
    """Keep every thread of ``proc`` (those started before too) on ``cpus``."""
    if proc is None or not cpus:
        return
    tasks = Path(f"/proc/{proc.pid}/task")
    for tid in [int(t.name) for t in tasks.iterdir()] if tasks.is_dir() else [proc.pid]:
        try:
            os.sched_setaffinity(tid, cpus)
        except ProcessLookupError:  # a thread that ended meanwhile
            continue


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the JSON summary last")
    parser.add_argument("--scale", type=int, default=8, help="seconds of load per endpoint and level")
    args = parser.parse_args()
    ensure_wrk()  # before any server starts: a missing, uninstallable wrk fails at once
    server_cpus, wrk_cpus = _cores()
    mongo, mongo_url = start_mongo(":memory:")
    redis, redis_url = start_redis()  # quiz submissions queue a learner-model refresh, as in production
    for service in (mongo, redis):
        _pin(service.proc, wrk_cpus)  # the servers' core is theirs alone
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory() as var:
            env = {
                **os.environ,
                "MONGODB_URL": mongo_url,
                "REDIS_URL": redis_url,
                "MONGODB_DB": "bench_api",
                "TUTOR_VAR_DIR": var,
                "JWT_SECRET": "bench-" + "s" * 40,
                "TUTOR_ENV": "test",
            }
            settings = Settings(
                mongodb_url=mongo_url, mongodb_db="bench_api", var_dir=Path(var), jwt_secret=env["JWT_SECRET"]
            )
            app_port, bare_port = free_port(), free_port()
            procs.append(start_uvicorn("app.asgi:app_factory", app_port, env))
            procs.append(start_uvicorn("bench.bare_app:app_factory", bare_port, env))
            for proc in procs:
                _pin(proc, server_cpus)
            app_url, bare_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
            ctx = asyncio.run(_prepare(app_url, mongo_url, settings))
            endpoints, ratios = _measure(app_url, bare_url, ctx, args.scale, wrk_cpus)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        redis.stop()
        mongo.stop()
    result = {"endpoints": endpoints, "ratios_rps_vs_bare": ratios}
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
