"""Starting what the service needs: embedded servers when no URL is configured.

``tutor serve`` records the URLs of the servers it started in ``var/runtime.json``; other commands
(``tutor ingest``, ``tutor create-user``...) reuse those servers while it runs instead of opening the
same data directories a second time.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from app.embedded.process import ChildService
from app.embedded.services import start_chroma, start_mongo, start_redis, start_worker
from tutor.settings import Settings, check_production

log = logging.getLogger("app.embedded")


@dataclass
class EmbeddedServices:
    """The URLs in use and the child services this process started."""

    mongodb_url: str
    redis_url: str | None
    chroma_url: str | None
    children: list[ChildService] = field(default_factory=list)

    def settings(self) -> Settings:
        """Settings re-read from the environment, which now names every server."""
        return Settings()


def _answers(url: str | None) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), timeout=0.5):
            return True
    except OSError:
        return False


def _running(var: Path) -> dict[str, str] | None:
    path = var / "runtime.json"
    try:
        urls: dict[str, str] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return urls if _answers(urls.get("MONGODB_URL")) else None


@contextlib.contextmanager
def embedded_services(
    settings: Settings, *, with_redis: bool = True, with_worker: bool = False
) -> Iterator[EmbeddedServices]:
    """Start the embedded MongoDB-wire server, chromadb and redis-server unless URLs are configured.

    URLs are exported to the environment so child processes (uvicorn, Celery workers) share them.
    With ``with_worker`` a Celery worker is started too and the URLs are recorded for other commands.

    Raises:
        tutor.settings.ConfigurationError: Production settings are unsafe (checked before anything starts).
    """
    check_production(settings)
    var = settings.var_dir.resolve()
    (var / "logs").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TUTOR_VAR_DIR", str(var))
    running = None if with_worker else _running(var)
    if running:
        os.environ.update(running)
        yield EmbeddedServices(running["MONGODB_URL"], running.get("REDIS_URL"), running.get("CHROMA_URL"))
        return
    children: list[ChildService] = []
    recorded = False
    try:
        mongodb_url = settings.mongodb_url
        if not mongodb_url:
            mongo, mongodb_url = start_mongo(var / "mongo", log_path=var / "logs" / "mongo.log")
            children.append(mongo)
            log.info("embedded MongoDB-wire server (SecantusDB) at %s, data in %s", mongodb_url, var / "mongo")
        os.environ["MONGODB_URL"] = mongodb_url
        chroma_url = settings.chroma_url
        if not chroma_url:
            chroma, chroma_url = start_chroma(var / "chroma", log_path=var / "logs" / "chroma.log")
            children.append(chroma)
            log.info("embedded chromadb server at %s, data in %s", chroma_url, var / "chroma")
        os.environ["CHROMA_URL"] = chroma_url
        redis_url = settings.redis_url
        if (with_redis or with_worker) and not redis_url:
            redis, redis_url = start_redis(var / "redis", log_path=var / "logs" / "redis.log")
            children.append(redis)
            log.info("embedded redis-server at %s", redis_url)
        if redis_url:
            os.environ["REDIS_URL"] = redis_url
        if with_worker:
            # The only worker of a local run also keeps the schedule of periodic jobs (policy training).
            children.append(start_worker(log_path=var / "logs" / "worker.log", beat=True))
            log.info("Celery worker with its schedule started (log: %s)", var / "logs" / "worker.log")
            urls = {"MONGODB_URL": mongodb_url, "CHROMA_URL": chroma_url, "REDIS_URL": redis_url or ""}
            (var / "runtime.json").write_text(json.dumps(urls))
            recorded = True
        yield EmbeddedServices(mongodb_url, redis_url, chroma_url, children)
    finally:
        if recorded:
            with contextlib.suppress(OSError):
                (var / "runtime.json").unlink()
        for child in reversed(children):
            with contextlib.suppress(Exception):
                child.stop()
