"""Server overhead of the chat API: time to the first SSE event and to ``done`` with an instant LLM.

Starts the real API (uvicorn, its own process) over an in-memory Mongo-wire server and redis-server,
with ``OPENAI_BASE_URL`` pointing at :mod:`bench.instant_llm` (also its own process), then runs chat
turns over ``POST /api/chat/stream/`` at 1 and 64 concurrent streams.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import time
import uuid
from typing import Any

import httpx

from bench.load import percentile, start_uvicorn
from tutor.embedded.process import free_port
from tutor.embedded.services import start_mongo, start_redis


async def _turn(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    first = None
    async with client.stream("POST", "/api/chat/stream/", json={"message": "What is a loop?"}, headers=headers) as res:
        if res.status_code != 200:
            raise RuntimeError(f"{res.status_code}: {(await res.aread())[:200]!r}")
        async for line in res.aiter_lines():
            if first is None and line.startswith("event:"):
                first = time.perf_counter()
            if line.startswith("event: done"):
                break
    end = time.perf_counter()
    return ((first or end) - start) * 1000, (end - start) * 1000


async def _level(base: str, headers: dict[str, str], streams: int, turns: int) -> dict[str, float]:
    ttfe: list[float] = []
    done: list[float] = []
    counter = iter(range(turns))
    limits = httpx.Limits(max_connections=streams, max_keepalive_connections=streams)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await _turn(client, headers)  # warm-up

        async def worker() -> None:
            for _ in counter:
                first, total = await _turn(client, headers)
                ttfe.append(first)
                done.append(total)

        await asyncio.gather(*(worker() for _ in range(streams)))
    return {
        "ttfe_ms_p50": round(percentile(ttfe, 50), 2),
        "ttfe_ms_p95": round(percentile(ttfe, 95), 2),
        "done_ms_p50": round(percentile(done, 50), 2),
    }


async def _measure(base: str, turns_1: int, turns_64: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        await client.post("/api/auth/register/", json={"email": email, "password": "bench password", "full_name": "B"})
        login = (await client.post("/api/auth/login/", json={"email": email, "password": "bench password"})).json()
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    return {
        "streams_1": await _level(base, headers, 1, turns_1),
        "streams_64": await _level(base, headers, 64, turns_64),
    }


def measure(turns_1: int = 100, turns_64: int = 640) -> dict[str, Any]:
    """Run the overhead measurement; returns ``{"streams_1"|"streams_64": {...}}``."""
    mongo, mongo_url = start_mongo(":memory:")
    redis, redis_url = start_redis()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory() as var:
            llm_port, api_port = free_port(), free_port()
            procs.append(start_uvicorn("bench.instant_llm:app_factory", llm_port, dict(os.environ)))
            env = {
                **os.environ,
                "MONGODB_URL": mongo_url,
                "REDIS_URL": redis_url,
                "TUTOR_VAR_DIR": var,
                "MONGODB_DB": "bench_chat",
                "JWT_SECRET": "bench-" + "c" * 40,
                "TUTOR_ENV": "test",
                "OPENAI_BASE_URL": f"http://127.0.0.1:{llm_port}/v1",
                "OPENAI_API_KEY": "bench",
                "LLM_MODEL": "instant",
                "TUTOR_CHAT_RATE_PER_MIN": "1000000",
                "HF_HUB_OFFLINE": "1",
            }
            procs.append(start_uvicorn("api.app:app_factory", api_port, env))
            return asyncio.run(_measure(f"http://127.0.0.1:{api_port}", turns_1, turns_64))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        redis.stop()
        mongo.stop()
