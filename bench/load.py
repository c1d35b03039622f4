"""A small closed-loop HTTP load generator (httpx, asyncio) reporting rps and latency percentiles."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

from tutor.embedded.process import wait_for_port

RequestFn = Callable[[httpx.AsyncClient, int], Any]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


async def run_load(base_url: str, make_request: RequestFn, concurrency: int, total: int) -> dict[str, float]:
    """Send ``total`` requests from ``concurrency`` concurrent clients; every response must be 2xx."""
    latencies: list[float] = []
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

        async def worker() -> None:
            for i in counter:
                start = time.perf_counter()
                response = await make_request(client, i)
                latencies.append((time.perf_counter() - start) * 1000)
                if response.status_code >= 300:
                    raise RuntimeError(f"{response.status_code}: {response.text[:200]}")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return {
        "rps": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
    }


def start_uvicorn(factory: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Serve ``factory`` with uvicorn in its own process on loopback and wait until it listens."""
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        factory,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, 120, proc)
    return proc
