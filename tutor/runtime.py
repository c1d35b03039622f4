"""Starting what the service needs: embedded servers when no URL is configured, for ``tutor serve``."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from tutor.embedded.process import ChildService
from tutor.embedded.services import start_mongo, start_redis
from tutor.settings import Settings

log = logging.getLogger("tutor.runtime")


@dataclass
class Runtime:
    """Child services started for this process, and the URLs in use."""

    mongodb_url: str
    redis_url: str | None
    children: list[ChildService] = field(default_factory=list)

    def stop(self) -> None:
        """Stop every child, last started first."""
        for child in reversed(self.children):
            with contextlib.suppress(Exception):
                child.stop()


@contextlib.contextmanager
def embedded_runtime(settings: Settings, *, with_redis: bool = True) -> Iterator[Runtime]:
    """Start the embedded MongoDB-wire server and redis-server unless URLs are configured.

    The URLs are exported to the environment so that child processes (uvicorn, Celery workers)
    read the same settings.
    """
    var = settings.var_dir.resolve()
    (var / "logs").mkdir(parents=True, exist_ok=True)
    children: list[ChildService] = []
    try:
        mongodb_url = settings.mongodb_url
        if not mongodb_url:
            mongo, mongodb_url = start_mongo(var / "mongo", log_path=var / "logs" / "mongo.log")
            children.append(mongo)
            log.info("embedded MongoDB-wire server (SecantusDB) at %s, data in %s", mongodb_url, var / "mongo")
        redis_url = settings.redis_url
        if with_redis and not redis_url:
            redis, redis_url = start_redis(var / "redis", log_path=var / "logs" / "redis.log")
            children.append(redis)
            log.info("embedded redis-server at %s", redis_url)
        os.environ["MONGODB_URL"] = mongodb_url
        if redis_url:
            os.environ["REDIS_URL"] = redis_url
        os.environ.setdefault("TUTOR_VAR_DIR", str(var))
        runtime = Runtime(mongodb_url, redis_url, children)
        yield runtime
    finally:
        for child in reversed(children):
            with contextlib.suppress(Exception):
                child.stop()
