"""Server overhead of the chat API: time to the first SSE event and to ``done`` with an instant LLM.

Starts the real API (uvicorn, its own process) over an in-memory Mongo-wire server and redis-server,
with ``OPENAI_BASE_URL`` pointing at :mod:`bench.instant_llm` (also its own process) and a Celery
worker (which computes the bench student's learner model, as in production), then runs chat turns over
``POST /api/chat/stream/`` at 1 and 64 concurrent streams: time to the first event (``ttfe``: the
``start`` event, sent once the turn is accepted and stored), to the first ``token`` (``ttft``) and to
``done``. During the 64-stream level a separate
process polls ``GET /healthz`` (``healthz_ms_p50``/``healthz_ms_p99``): whether the event loop still
answers anything else while 64 chats run (target p99 <= 50 ms).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from app.embedded.process import free_port
from app.embedded.services import start_mongo, start_redis, start_worker, wait_for_worker
from bench.load import percentile, start_uvicorn

HEALTHZ_INTERVAL_S = 0.02
# The /healthz poller runs in its own process, so the 64 streams' client work cannot delay it.
_PROBE = """
import json, sys, threading, time
import httpx
base, interval = sys.argv[1], float(sys.argv[2])
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
latencies = []
with httpx.Client(base_url=base, timeout=60) as client:
    while not stop.is_set():
        start = time.perf_counter()
        client.get("/healthz").raise_for_status()
        latencies.append((time.perf_counter() - start) * 1000)
        stop.wait(interval)
print(json.dumps(latencies))
"""


class HealthzProbe:
    """Polls ``/healthz`` from a child process between :meth:`start` and :meth:`stop`."""

    def __init__(self, base: str, interval_s: float = HEALTHZ_INTERVAL_S) -> None:
        self.argv = [sys.executable, "-c", _PROBE, base, str(interval_s)]
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start polling."""
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def stop(self) -> dict[str, float]:
        """Stop polling; ``healthz_ms_p50``, ``healthz_ms_p99`` of the answers seen."""
        assert self.proc is not None
        out, _ = self.proc.communicate(input="", timeout=120)  # closing stdin tells it to stop
        latencies = json.loads(out) if self.proc.returncode == 0 else []
        return {
            "healthz_ms_p50": round(percentile(latencies, 50), 2),
            "healthz_ms_p99": round(percentile(latencies, 99), 2),
        }


async def _turn(client: aiohttp.ClientSession, url: str, headers: dict[str, str]) -> tuple[float, float, float]:
    """One streamed turn: ms to the first event (``start``), to the first ``token`` event, and to ``done``."""
    start = time.perf_counter()
    first = token = done = None
    async with client.post(url, json={"message": "What is a loop?"}, headers=headers) as res:
        if res.status != 200:
            raise RuntimeError(f"{res.status}: {(await res.read())[:200]!r}")
        async for chunk in res.content.iter_any():  # read to the end, so the connection is reused
            now = time.perf_counter()
            if first is None and b"event:" in chunk:
                first = now
            if token is None and b"event: token" in chunk:
                token = now
            if done is None and b"event: done" in chunk:
                done = now
    end = done or time.perf_counter()
    return ((first or end) - start) * 1000, ((token or end) - start) * 1000, (end - start) * 1000


async def _level(
    base: str, headers: dict[str, str], streams: int, turns: int, probe: HealthzProbe | None = None
) -> dict[str, float]:
    ttfe: list[float] = []
    ttft: list[float] = []
    done: list[float] = []
    counter = iter(range(turns))
    url = f"{base}/api/chat/stream/"
    # aiohttp rather than httpx: the client shares the machine with the server, and per streamed request
    # httpx costs about three times the CPU, which the server's figures would then pay for.
    connector = aiohttp.TCPConnector(limit=streams)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        await _turn(client, url, headers)  # warm-up

        async def worker() -> None:
            for _ in counter:
                first, token, total = await _turn(client, url, headers)
                ttfe.append(first)
                ttft.append(token)
                done.append(total)

        if probe is not None:
            probe.start()
        try:
            await asyncio.gather(*(worker() for _ in range(streams)))
        finally:
            health = probe.stop() if probe is not None else {}
    return {
        "ttfe_ms_p50": round(percentile(ttfe, 50), 2),
        "ttfe_ms_p95": round(percentile(ttfe, 95), 2),
        "done_ms_p50": round(percentile(done, 50), 2),
        "ttft_ms_p50": round(percentile(ttft, 50), 2),
        **health,
    }


async def _learner_model_stored(client: httpx.AsyncClient, user_id: str, headers: dict[str, str]) -> bool:
    """Wait (up to 2 min) until the worker stored the student's learner model, as it has for any active student."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        res = await client.get(f"/api/ai/recommendations/{user_id}/", headers=headers)
        if res.status_code == 200 and not res.json().get("pending"):
            return True
        await asyncio.sleep(0.5)
    return False


async def _measure(base: str, turns_1: int, turns_64: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        await client.post("/api/auth/register/", json={"email": email, "password": "bench password", "full_name": "B"})
        login = (await client.post("/api/auth/login/", json={"email": email, "password": "bench password"})).json()
        headers = {"Authorization": f"Bearer {login['access_token']}"}
        # Steady state: chat turns read the stored model (the first read queued its computation).
        await _learner_model_stored(client, login["user"]["id"], headers)
    return {
        "streams_1": await _level(base, headers, 1, turns_1),
        "streams_64": await _level(base, headers, 64, turns_64, HealthzProbe(base)),
    }


def measure(turns_1: int = 100, turns_64: int = 640) -> dict[str, Any]:
    """Run the overhead measurement; returns ``{"streams_1"|"streams_64": {...}}`` (healthz under 64)."""
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
            procs.append(start_uvicorn("app.asgi:app_factory", api_port, env))
            log = Path(var) / "worker.log"
            worker = start_worker(log_path=log, extra_env=env)
            try:
                wait_for_worker(redis_url, worker, log)
                return asyncio.run(_measure(f"http://127.0.0.1:{api_port}", turns_1, turns_64))
            finally:
                worker.stop()
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        redis.stop()
        mongo.stop()
