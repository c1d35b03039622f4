"""Closed-loop HTTP load with ``wrk`` (a compiled generator), installed on first use.

A Python client on the same two cores as the server measures itself: bench.api's httpx client
saturated long before the server did (its bare-endpoint figure fell as connections rose). ``wrk``
spends a few percent of one core at these rates. Each step runs one wrk thread (the server owns the
other core) with a Lua script that sets the method, headers and body and prints one JSON line of
counts and latency percentiles when done.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MARK = "WRK_RESULT "
INSTALL = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]

# ``done`` runs once after the run; latency percentiles are in microseconds.
_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%d,"duration_us":%d,"p50_us":%.1f,"p95_us":%.1f,'
    .. '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    "MARK", summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect, e.read, e.write, e.status, e.timeout))
end
""".replace("MARK", MARK)


class WrkError(RuntimeError):
    """wrk is missing and could not be installed, or a run failed or saw errors."""


def ensure_wrk() -> str:
    """The path of ``wrk``, installing the Debian package with apt-get when it is missing.

    Raises:
        WrkError: apt-get is absent or failed (no root, no package index, no mirror).
    """
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise WrkError("bench.api needs wrk, a compiled HTTP load generator: install it with your package manager")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and shutil.which("sudo") is None:
        raise WrkError("bench.api needs wrk: run `apt-get install wrk` as root")
    log: list[str] = []
    # Install; when that fails (e.g. no package index yet), refresh the index and try once more.
    if _run_quiet([*sudo, *INSTALL], log) or (
        _run_quiet([*sudo, "apt-get", "update"], log) and _run_quiet([*sudo, *INSTALL], log)
    ):
        found = shutil.which("wrk")
        if found:
            return found
    raise WrkError("could not install wrk with apt-get (run `apt-get install wrk` as root):\n" + "\n".join(log)[-2000:])


def _run_quiet(argv: list[str], log: list[str]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=600, env=env)
    log.append(f"$ {' '.join(argv)} -> {proc.returncode}\n{proc.stderr.strip()[-500:]}")
    return proc.returncode == 0


def lua_script(method: str = "GET", headers: Mapping[str, str] | None = None, body: str | None = None) -> str:
    """A wrk script sending every request with ``method``, ``headers`` and ``body``, and reporting as JSON."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    lines += [f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in (headers or {}).items()]
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body)}")
    return "\n".join(lines) + "\n" + _REPORT


def _lua_string(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def parse_report(stdout: str) -> dict[str, Any]:
    """The JSON line the script's ``done`` printed."""
    for line in stdout.splitlines():
        if line.startswith(MARK):
            report: dict[str, Any] = json.loads(line[len(MARK) :])
            return report
    raise WrkError(f"wrk printed no result:\n{stdout[-2000:]}")


def summarize(report: Mapping[str, Any]) -> dict[str, float]:
    """``{"rps", "p50_ms", "p95_ms"}`` of a report; any error or non-2xx/3xx answer fails the step.

    Raises:
        WrkError: the run saw socket errors, timeouts or non-2xx/3xx answers, or completed nothing.
    """
    errors = {k: report[k] for k in ("connect", "read", "write", "status", "timeout") if report[k]}
    if errors or not report["requests"]:
        raise WrkError(f"{report['requests']} requests with errors {errors}")
    return {
        "rps": round(report["requests"] / (report["duration_us"] / 1e6), 1),
        "p50_ms": round(report["p50_us"] / 1000, 2),
        "p95_ms": round(report["p95_us"] / 1000, 2),
    }


def run_wrk(
    url: str,
    connections: int,
    seconds: float,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: str | None = None,
    wrk: str = "wrk",
    cpus: set[int] | None = None,
) -> dict[str, float]:
    """Drive ``url`` from ``connections`` keep-alive connections for ``seconds``; rps and latency.

    ``cpus``, when given, are the only cores wrk may run on (so it never takes the server's core).

    Raises:
        WrkError: wrk failed, or the run saw errors (see :func:`summarize`).
    """
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "step.lua"
        script.write_text(lua_script(method, headers, body))
        argv = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "60s", "-s", str(script)]
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        proc = subprocess.run(
            [*argv, url], capture_output=True, text=True, check=False, timeout=seconds + 120, preexec_fn=pin
        )
    if proc.returncode != 0:
        raise WrkError(f"wrk exited {proc.returncode}: {proc.stderr.strip()[-1000:]}")
    return summarize(parse_report(proc.stdout))
