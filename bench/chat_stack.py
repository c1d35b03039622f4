"""The real tutor stack for conversation benchmarks: servers, sample course, worker and API on loopback.

An in-memory SecantusDB and a redis-server as children, a temporary ``TUTOR_VAR_DIR`` (chromadb as
an embedded ``PersistentClient`` in it), the demo accounts and sample catalogue seeded and its
material ingested in this process, a Celery worker (it refreshes the learner model after each quiz
submission, so weak areas and recommendations exist) and the API under uvicorn. No
``OPENAI_BASE_URL``/``OPENAI_API_KEY`` reach the children, so the offline local tutor model answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.embedded.process import ChildService, free_port
from app.embedded.services import start_mongo, start_redis, start_worker, wait_for_worker
from bench.common import log
from tutor.settings import Settings

DB_NAME = "bench_chat_conversation"
JWT_SECRET = "bench-conversation-" + "s" * 40
# Never inherited by the children: these would replace the offline model or the embedded store.
DROPPED_ENV = ("OPENAI_BASE_URL", "OPENAI_API_KEY", "LLM_MODEL", "CHROMA_URL", "S3_BUCKET", "S3_ENDPOINT_URL")


@dataclass(frozen=True)
class Stack:
    """Where the running stack answers."""

    base_url: str
    mongodb_url: str
    mongodb_db: str
    var_dir: Path


def child_env(var: Path, mongodb_url: str, redis_url: str) -> dict[str, str]:
    """Environment of the API and worker processes: our servers, no LLM endpoint, offline models."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(
        TUTOR_ENV="test",
        TUTOR_VAR_DIR=str(var),
        MONGODB_URL=mongodb_url,
        MONGODB_DB=DB_NAME,
        REDIS_URL=redis_url,
        JWT_SECRET=JWT_SECRET,
        TUTOR_CHAT_RATE_PER_MIN="1000000",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    return env


def stack_settings(var: Path, mongodb_url: str, redis_url: str) -> Settings:
    """The same settings as the children read, for seeding and ingesting in this process."""
    return Settings(
        env="test",
        var_dir=var,
        mongodb_url=mongodb_url,
        mongodb_db=DB_NAME,
        redis_url=redis_url,
        chroma_url=None,
        s3_bucket=None,
        jwt_secret=JWT_SECRET,
    )


async def _seed(settings: Settings) -> None:
    from tutor.container import Services
    from tutor.db import Mongo
    from tutor.seed import seed_demo

    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        await mongo.ensure_indexes()
        await seed_demo(Services.build(mongo, settings))
    finally:
        await mongo.close()


def seed_and_ingest(settings: Settings) -> None:
    """Demo accounts, the sample catalogue, and its material ingested as ``tutor seed-demo`` does."""
    from app.components import pipeline_for
    from ingest.local_run import LocalFile, ingest_local
    from tutor.seed import material_files

    asyncio.run(_seed(settings))
    by_course: dict[str, list[LocalFile]] = {}
    for course_id, lesson_id, _, path in material_files():
        by_course.setdefault(course_id, []).append(LocalFile(path.name, path.read_bytes(), lesson_id))
    for course_id, files in by_course.items():
        summary = ingest_local(settings, pipeline_for(settings), course_id, files, progress=False)
        if summary["state"] != "succeeded":
            raise RuntimeError(f"ingesting the sample material of {course_id}: {summary['state']}")
        log(f"  sample material of {course_id}: {summary['chunks_total']} chunks")


def start_api(env: dict[str, str], var: Path) -> tuple[ChildService, str]:
    """The API (``app.asgi:app_factory``) under uvicorn, its own process; returns it with its base URL."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "--factory", "app.asgi:app_factory", "--host", "127.0.0.1",
            "--port", str(port), "--log-level", "warning"]
    service = ChildService("api", argv, port, var / "logs" / "api.log")
    service.env = env
    return service.start(timeout_s=180), f"http://127.0.0.1:{port}"


def start_ready_worker(settings: Settings, env: dict[str, str], var: Path, timeout_s: float = 120) -> ChildService:
    """A Celery worker (``tutor worker``), returned once it answers a ping."""
    log_path = var / "logs" / "worker.log"
    service = start_worker(log_path=log_path, extra_env=env)
    try:
        wait_for_worker(settings.redis_url or "", service, log_path, timeout_s)
    except RuntimeError:
        service.stop()
        raise
    return service


@contextlib.contextmanager
def chat_stack(with_worker: bool = True) -> Iterator[Stack]:
    """Start everything, yield where it answers, and stop every child and remove the var dir after."""
    children: list[ChildService] = []
    with tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp:
        var = Path(tmp)
        (var / "logs").mkdir()
        try:
            mongo, mongodb_url = start_mongo(":memory:")
            children.append(mongo)
            redis, redis_url = start_redis()
            children.append(redis)
            settings = stack_settings(var, mongodb_url, redis_url)
            env = child_env(var, mongodb_url, redis_url)
            log("chat stack: seeding the sample course and ingesting its material")
            seed_and_ingest(settings)
            if with_worker:
                children.append(start_ready_worker(settings, env, var))
            api, base_url = start_api(env, var)
            children.append(api)
            log(f"chat stack: API at {base_url}")
            yield Stack(base_url, mongodb_url, DB_NAME, var)
        finally:
            _stop_all(children)


def _stop_all(children: list[ChildService]) -> None:
    for child in reversed(children):
        with contextlib.suppress(Exception):
            child.stop()


def api_log_tail(stack: Stack, chars: int = 2000) -> dict[str, Any]:
    """The end of the API and worker logs (for error messages)."""
    logs = {}
    for name in ("api", "worker"):
        path = stack.var_dir / "logs" / f"{name}.log"
        logs[name] = path.read_text(errors="replace")[-chars:] if path.exists() else ""
    return logs
