"""``python -m bench.api --json``: API throughput and latency beside a bare Litestar endpoint.

Measures ``GET /api/courses/`` (authenticated, filtered) and ``POST /api/progress/update/`` (a
graded quiz submission) at 1, 16 and 64 keep-alive connections, and a bare Litestar JSON endpoint
served the same way (uvicorn, one process, same machine) in the same run, interleaved. The load comes
from ``wrk`` (installed with apt-get on first use, see :mod:`bench.wrk`), one thread, ``--scale``
seconds per endpoint and level. Any error or non-2xx answer fails the run. The last stdout line is
one JSON object::

    {"endpoints": {"courses_list"|"progress_update"|"bare_json": {"c1"|"c16"|"c64": {"rps", "p50_ms", "p95_ms"}}},
     "ratios_rps_vs_bare": {"courses_list"|"progress_update": {"c1"|"c16"|"c64": rps / bare rps}}}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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


def _measure(app_url: str, bare_url: str, ctx: dict[str, str], scale: int) -> dict[str, Any]:
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
        run_wrk(connections=4, seconds=1, wrk=wrk, **step)
    out: dict[str, dict[str, Any]] = {"courses_list": {}, "progress_update": {}, "bare_json": {}}
    for level in LEVELS:
        # Interleave the three so that machine noise hits them alike.
        for name, step in steps.items():
            out[name][f"c{level}"] = run_wrk(connections=level, seconds=scale, wrk=wrk, **step)
        print(f"c{level}: {json.dumps({k: v[f'c{level}'] for k, v in out.items()})}", file=sys.stderr)
    return out


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the JSON summary last")
    parser.add_argument("--scale", type=int, default=8, help="seconds of load per endpoint and level")
    args = parser.parse_args()
    ensure_wrk()  # before any server starts: a missing, uninstallable wrk fails at once
    mongo, mongo_url = start_mongo(":memory:")
    redis, redis_url = start_redis()  # quiz submissions queue a learner-model refresh, as in production
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
            app_url, bare_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
            ctx = asyncio.run(_prepare(app_url, mongo_url, settings))
            endpoints = _measure(app_url, bare_url, ctx, args.scale)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        redis.stop()
        mongo.stop()
    ratios = {
        name: {
            lvl: round(endpoints[name][lvl]["rps"] / endpoints["bare_json"][lvl]["rps"], 3) for lvl in endpoints[name]
        }
        for name in ("courses_list", "progress_update")
    }
    result = {"endpoints": endpoints, "ratios_rps_vs_bare": ratios}
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
