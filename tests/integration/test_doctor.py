"""``tutor doctor`` through the real CLI entry, against the session's servers, moto S3 and a scripted LLM."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import boto3
import pytest

from app import cli
from app.doctor import Check, Outcome, run_checks
from app.embedded.process import free_port
from app.embedded.services import start_redis
from tests.fakes.moto import moto_server
from tests.fakes.openai_server import ScriptedOpenAIServer

BUCKET = "doctor-materials"
URL_VARS = ("MONGODB_URL", "REDIS_URL", "CHROMA_URL")


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def llm() -> Iterator[ScriptedOpenAIServer]:
    with ScriptedOpenAIServer() as server:
        yield server


@pytest.fixture
def env(settings, tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The session's servers, a fresh var folder, no S3, no LLM, development mode."""
    for name in ("TUTOR_ENV", "S3_BUCKET", "S3_ENDPOINT_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    values = {"MONGODB_URL": settings.mongodb_url, "REDIS_URL": settings.redis_url, "CHROMA_URL": settings.chroma_url,
              "MONGODB_DB": settings.mongodb_db, "TUTOR_VAR_DIR": str(tmp_path / "var"), "JWT_SECRET": settings.jwt_secret,
              "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}  # fmt: skip
    for name, value in values.items():
        monkeypatch.setenv(name, value or "")
    return monkeypatch


def _doctor(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["doctor", "--timeout", "2", *args])
    return code, capsys.readouterr().out


def _rows(out: str) -> dict[str, dict]:
    report = json.loads(out)
    assert report["ok"] == all(check["ok"] for check in report["checks"])
    return {check["name"]: check for check in report["checks"]}


def _use_s3(env: pytest.MonkeyPatch, moto_url: str, bucket: str) -> None:
    env.setenv("S3_BUCKET", bucket)
    env.setenv("S3_ENDPOINT_URL", moto_url)


def _use_llm(env: pytest.MonkeyPatch, server: ScriptedOpenAIServer, key: str = "sk-doctor") -> None:
    env.setenv("OPENAI_BASE_URL", server.base_url)
    env.setenv("OPENAI_API_KEY", key)
    env.setenv("LLM_MODEL", "scripted-model")


@pytest.mark.timeout(120)
def test_every_service_up_passes(env, worker, moto_url, llm, capsys) -> None:
    client = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    _use_s3(env, moto_url, BUCKET)
    _use_llm(env, llm)
    llm.reply_text("OK")

    code, out = _doctor(capsys)

    assert code == 0, out
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line.strip()}
    for name in ("settings", "mongodb", "redis", "worker", "chromadb", "storage", "llm"):
        assert lines[name].split()[1] == "ok", out
    assert "replica set 'secantus'" in lines["mongodb"]
    assert "worker(s) answered a ping" in lines["worker"]
    assert f"bucket '{BUCKET}'" in lines["storage"] and "written and deleted" in lines["storage"]
    assert "'scripted-model'" in lines["llm"] and "answered" in lines["llm"]
    assert out.rstrip().endswith("all checks passed")
    # One real completion of one token; the probe object is gone again.
    assert [r["body"]["max_tokens"] for r in llm.requests] == [1]
    assert client.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


@pytest.mark.timeout(60)
def test_stopped_services_fail_and_name_the_cause(env, moto_url, llm, capsys) -> None:
    redis_port, chroma_port = free_port(), free_port()
    env.setenv("REDIS_URL", f"redis://:redis-pass-123@127.0.0.1:{redis_port}/0")
    env.setenv("CHROMA_URL", f"http://127.0.0.1:{chroma_port}")
    _use_s3(env, moto_url, "no-such-bucket")
    _use_llm(env, llm, key="sk-never-printed")
    llm.reply_error(500)

    code, out = _doctor(capsys, "--json")

    assert code == 1
    rows = _rows(out)
    assert rows["settings"]["ok"] and rows["mongodb"]["ok"]
    failed = {name for name, row in rows.items() if not row["ok"]}
    assert failed == {"redis", "worker", "chromadb", "storage", "llm"}
    assert f"127.0.0.1:{redis_port}" in rows["redis"]["detail"] and "refused" in rows["redis"]["detail"]
    assert "broker" in rows["worker"]["detail"]
    assert f"http://127.0.0.1:{chroma_port}" in rows["chromadb"]["detail"]
    assert "'no-such-bucket'" in rows["storage"]["detail"] and "does not exist" in rows["storage"]["detail"]
    assert "HTTP 500" in rows["llm"]["detail"]
    assert len(llm.requests) == 1  # no retries
    # Neither the password in the URL nor the API key is ever printed.
    assert "redis-pass-123" not in out and "sk-never-printed" not in out and "***@" in out


@pytest.mark.timeout(60)
def test_table_fails_when_no_worker_listens(env, capsys) -> None:
    service, url = start_redis()
    try:
        env.setenv("REDIS_URL", url)
        code, out = _doctor(capsys)
    finally:
        service.stop()
    assert code == 1
    worker_line = next(line for line in out.splitlines() if line.startswith("worker"))
    assert "FAIL" in worker_line and "no worker answered" in worker_line
    assert "1 of 7 checks failed: worker" in out


def test_production_without_jwt_secret_fails_the_settings_row(env, capsys) -> None:
    env.setenv("TUTOR_ENV", "production")
    env.delenv("JWT_SECRET")

    code, out = _doctor(capsys, "--json")

    assert code == 1
    settings_row = _rows(out)["settings"]
    assert not settings_row["ok"] and "JWT_SECRET" in settings_row["detail"]


def test_unreadable_settings_are_reported_not_raised(env, capsys) -> None:
    env.setenv("TUTOR_PORT", "not-a-port")
    code, out = _doctor(capsys, "--json")
    assert code == 1
    assert "TUTOR_PORT" in _rows(out)["settings"]["detail"]


def test_servers_of_a_running_tutor_serve_are_used_else_the_doctor_says_what_to_do(
    env, settings, tmp_path, capsys
) -> None:
    for name in URL_VARS:
        env.delenv(name)
    code, out = _doctor(capsys, "--json")
    assert code == 1
    rows = _rows(out)
    for name, var in zip(("mongodb", "redis", "chromadb"), URL_VARS, strict=True):
        assert not rows[name]["ok"]
        assert "no `tutor serve` running" in rows[name]["detail"] and var in rows[name]["detail"]
    assert rows["storage"]["ok"] and "local folder" in rows["storage"]["detail"]
    assert rows["llm"]["ok"] and "offline local tutor model" in rows["llm"]["detail"]

    runtime = {"MONGODB_URL": settings.mongodb_url, "REDIS_URL": settings.redis_url, "CHROMA_URL": settings.chroma_url}
    (tmp_path / "var").mkdir(exist_ok=True)
    (tmp_path / "var" / "runtime.json").write_text(json.dumps(runtime))
    code, out = _doctor(capsys, "--json")
    rows = _rows(out)
    for name in ("mongodb", "redis", "chromadb"):
        assert rows[name]["ok"] and "tutor serve" in rows[name]["detail"], rows[name]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a hung server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


@pytest.mark.timeout(60)
def test_hung_servers_fail_on_their_own_timeouts(env, silent_port, capsys) -> None:
    env.setenv("MONGODB_URL", f"mongodb://127.0.0.1:{silent_port}/?directConnection=true")
    env.setenv("CHROMA_URL", f"http://127.0.0.1:{silent_port}")
    code, out = _doctor(capsys, "--json")
    assert code == 1
    rows = _rows(out)
    assert not rows["mongodb"]["ok"] and f"127.0.0.1:{silent_port}" in rows["mongodb"]["detail"]
    assert not rows["chromadb"]["ok"] and "Timeout" in rows["chromadb"]["detail"]
    assert rows["redis"]["ok"]


def test_a_check_past_its_budget_is_reported_and_the_others_still_run() -> None:
    never = threading.Event()

    def hangs() -> Outcome:
        never.wait(30)
        return Outcome("ok", "too late")

    results = run_checks([Check("hangs", hangs, 0.1), Check("quick", lambda: Outcome("ok", "fine"), 1.0)])
    never.set()
    assert [(r.name, r.status) for r in results] == [("hangs", "FAIL"), ("quick", "ok")]
    assert "no answer within 0.1 s" in results[0].detail
