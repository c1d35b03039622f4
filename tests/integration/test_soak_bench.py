"""``python -m bench.soak`` runs a few seconds against the session's API and prints its four figures."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import service_env

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


async def test_soak_prints_its_figures(api_server, settings, worker):
    argv = [sys.executable, "-m", "bench.soak", "--minutes", "0.1", "--students", "3", "--instructors", "1"]
    argv += ["--url", api_server, "--pid", str(os.getpid()), "--json"]
    # The API under test serves from a thread of this process: wait for the benchmark off the event loop.
    done = await asyncio.to_thread(
        subprocess.run, argv, env=service_env(settings), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(result) == {"requests", "errors_5xx", "p95_ms", "rss_growth_pct"}
    assert result["requests"] > 10, done.stderr[-2000:]
    assert result["errors_5xx"] == 0, done.stderr[-3000:]
    assert result["p95_ms"] > 0
    assert isinstance(result["rss_growth_pct"], float)
