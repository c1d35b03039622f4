"""Helpers shared by the HTTP benches: percentiles and a uvicorn server in its own process.

Load itself comes from ``wrk`` (see :mod:`bench.wrk`): a Python client on the same cores measures itself.
"""

from __future__ import annotations

import subprocess
import sys

from app.embedded.process import wait_for_port


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


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
