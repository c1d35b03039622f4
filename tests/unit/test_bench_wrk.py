"""bench.wrk: the wrk script, its report, the install step, and a real run when wrk is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import pytest

from bench import wrk
from bench.load import start_uvicorn
from bench.wrk import WrkError, ensure_wrk, lua_script, parse_report, run_wrk, summarize

REPORT = {"requests": 500, "duration_us": 2_000_000, "p50_us": 1500.0, "p95_us": 4200.0}
CLEAN = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}


def test_the_script_sets_method_headers_and_a_body_that_closes_no_lua_string():
    script = lua_script("POST", {"Authorization": "Bearer t"}, '{"a": "]]", "b": "]=]"}')
    assert "wrk.method = [[POST]]" in script
    assert "wrk.headers[ [[Authorization]] ] = [[Bearer t]]" in script
    assert 'wrk.body = [==[{"a": "]]", "b": "]=]"}]==]' in script
    assert "done = function(summary, latency, requests)" in script


def test_a_report_becomes_rps_and_milliseconds():
    line = (
        wrk.MARK
        + '{"requests": 500, "duration_us": 2000000, "p50_us": 1500.0, "p95_us": 4200.0, '
        + ('"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}')
    )
    report = parse_report("Running 2s test @ http://x\n" + line + "\n")
    assert summarize(report) == {"rps": 250.0, "p50_ms": 1.5, "p95_ms": 4.2}
    with pytest.raises(WrkError, match="no result"):
        parse_report("Running 2s test\n")


@pytest.mark.parametrize("error", ["connect", "read", "status", "timeout"])
def test_any_error_fails_the_step(error):
    with pytest.raises(WrkError, match=error):
        summarize({**REPORT, **CLEAN, error: 3})


def test_wrk_on_the_path_is_used_as_it_is(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/wrk" if name == "wrk" else None)
    monkeypatch.setattr(subprocess, "run", _no_commands)
    assert ensure_wrk() == "/usr/bin/wrk"


def test_a_missing_wrk_is_installed_with_apt_get_refreshing_the_index_once(monkeypatch):
    ran: list[list[str]] = []
    installed: list[bool] = []

    def run(argv: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        ran.append(argv)
        ok = "update" in argv or bool(ran[:-1])  # the first install fails: no package index yet
        if ok and "install" in argv:
            installed.append(True)
        return subprocess.CompletedProcess(argv, 0 if ok else 100, "", "" if ok else "E: Unable to locate package wrk")

    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/wrk" if name != "wrk" or installed else None)
    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert ensure_wrk() == "/usr/bin/wrk"
    assert [argv[1] for argv in ran] == ["install", "update", "install"]


def test_an_install_that_fails_says_what_to_do(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "wrk" else f"/usr/bin/{name}")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(
        subprocess, "run", lambda argv, **_: subprocess.CompletedProcess(argv, 100, "", "E: no mirror reachable")
    )
    with pytest.raises(WrkError, match="apt-get install wrk") as failed:
        ensure_wrk()
    assert "no mirror reachable" in str(failed.value)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(WrkError, match="install it"):
        ensure_wrk()


def _no_commands(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("nothing should run")


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (bench.api installs it)")
def test_a_real_run_measures_and_a_refused_request_fails_it():
    from app.embedded.process import free_port

    port = free_port()
    server = start_uvicorn("bench.bare_app:app_factory", port, dict(os.environ))
    try:
        url = f"http://127.0.0.1:{port}/bare"
        measured = run_wrk(url, 4, 1)
        assert measured["rps"] > 0 and 0 < measured["p50_ms"] <= measured["p95_ms"]
        with pytest.raises(WrkError, match="status"):
            run_wrk(url, 2, 1, method="POST", headers={"Content-Type": "application/json"}, body="{}")
    finally:
        server.terminate()
        server.wait(timeout=10)
