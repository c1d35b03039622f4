"""A private copy of the whole stack whose servers a test may kill and bring back on the same port.

The session's servers (tests/conftest.py) are shared by every other test, so fault tests never touch
them: each fault module builds its own Mongo-wire server, redis-server, chromadb, Celery worker and API,
with their own ports and data directories (on disk, so a restarted server finds its data again).
"""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path
from typing import Any

from app.embedded.process import ChildService
from app.embedded.services import start_chroma, start_mongo, start_redis, start_worker, wait_for_worker
from tests.conftest import service_env
from tests.servers import UvicornThread
from tutor.settings import Settings


def kill(service: ChildService) -> None:
    """SIGKILL the service's whole process group (a crash, not a shutdown) and reap it."""
    if service.proc is None or service.proc.poll() is not None:
        return
    os.killpg(service.proc.pid, signal.SIGKILL)
    service.proc.wait(timeout=10)


def restart(service: ChildService) -> None:
    """Start the same command again, on the same port and data directory."""
    kill(service)
    service.start(timeout_s=90)


class FaultStack:
    """Every server of the service, owned by one test module.

    Attributes:
        root: Data directories and logs.
        mongo, redis, chroma: The servers, restartable on their ports.
        settings: Settings pointing at them.
        api: The API served by uvicorn in this process.
        worker: The Celery worker, once :meth:`start_worker` ran.
    """

    def __init__(self, root: Path, **overrides: Any) -> None:
        """Start the servers and the API (not the worker: only some tests need one)."""
        self.root = root
        logs = root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.mongo, mongo_url = start_mongo(root / "mongo", log_path=logs / "mongo.log")
        self.redis, redis_url = start_redis(root / "redis", log_path=logs / "redis.log")
        self.chroma, chroma_url = start_chroma(root / "chroma", log_path=logs / "chroma.log")
        self.settings = Settings(
            env="test",
            var_dir=root / "var",
            mongodb_url=mongo_url,
            redis_url=redis_url,
            chroma_url=chroma_url,
            mongodb_db=f"faults_{uuid.uuid4().hex[:8]}",
            jwt_secret="fault-secret-" + "x" * 40,
            chat_rate_per_min=1000,
            login_address_max_failures=1000,
            max_upload_mb=1,
            **overrides,
        )
        self.worker: ChildService | None = None
        from app.asgi import create_app

        self.api = UvicornThread(create_app(self.settings)).start()

    @property
    def url(self) -> str:
        """Base URL of the API."""
        return self.api.url

    def start_worker(self) -> ChildService:
        """Start a Celery worker on this stack's broker and wait until it answers a ping."""
        log = self.root / "logs" / "worker.log"
        self.worker = start_worker(log_path=log, extra_env=service_env(self.settings))
        wait_for_worker(self.settings.redis_url or "", self.worker, log)
        return self.worker

    def worker_log(self) -> str:
        """The worker's log so far (for assertion messages)."""
        path = self.root / "logs" / "worker.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def close(self) -> None:
        """Stop everything this stack started."""
        self.api.stop()
        for service in (self.worker, self.chroma, self.redis, self.mongo):
            if service is not None:
                service.stop()
