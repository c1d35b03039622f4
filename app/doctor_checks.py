"""The checks of ``tutor doctor``: settings, and one real round trip to every configured service.

Each function returns an :class:`~app.doctor.Outcome` or raises (``CheckFailed`` with a message for the
operator; any other exception is reported by its type and message). Clients are given timeouts of their
own so that a stopped server fails fast instead of running into the runner's budget.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from app.doctor import CheckFailed, Outcome, Target, failing_at, redact_url
from tutor.celery_app import time_limits
from tutor.settings import ConfigurationError, Settings, check_production

# Every worker of this service runs this task; a worker that answers pings without it belongs to another app.
WORKER_TASK = "ingest.run_job"
PROBE_PREFIX = ".tutor-doctor/"


def settings_check(settings: Settings) -> Outcome:
    """Production requirements (``check_production``) and Celery time limits; production warnings."""
    try:
        check_production(settings)
        time_limits(settings)
    except ConfigurationError as exc:
        raise CheckFailed(f"{settings.env}: {exc}") from exc
    if settings.env != "production":
        return Outcome("ok", f"TUTOR_ENV={settings.env}, var folder {Path(settings.var_dir).resolve()}")
    # Production may still run on embedded servers and a local folder; that only holds on one machine.
    unset = [name for name, value in (("MONGODB_URL", settings.mongodb_url), ("REDIS_URL", settings.redis_url),
             ("CHROMA_URL", settings.chroma_url), ("S3_BUCKET", settings.s3_bucket)) if not value]  # fmt: skip
    if unset:
        return Outcome("warn", f"TUTOR_ENV=production, JWT_SECRET set; unset: {', '.join(unset)} (one machine only)")
    return Outcome("ok", "TUTOR_ENV=production, JWT_SECRET set, every server configured")


def mongodb_check(target: Target, database: str, production: bool, timeout_s: float) -> Outcome:
    """``hello`` (replica set or standalone), the server version, and the database's collections (auth)."""
    from pymongo import MongoClient
    from pymongo.errors import ServerSelectionTimeoutError

    ms = int(timeout_s * 1000)
    client: MongoClient[dict[str, object]] = MongoClient(
        target.require(), serverSelectionTimeoutMS=ms, connectTimeoutMS=ms, socketTimeoutMS=ms
    )
    try:
        with failing_at(target.where()):
            hello = client.admin.command("hello")
            version = client.admin.command("buildInfo").get("version", "?")
            collections = len(client[database].list_collection_names())  # needs the credentials to work
    except CheckFailed as exc:
        if isinstance(exc.__cause__, ServerSelectionTimeoutError):  # its message goes on with the topology
            first = str(exc.__cause__).split(" (configured timeouts")[0].split(", Timeout:")[0]
            raise CheckFailed(f"cannot reach {target.where()} within {timeout_s:g} s: {first}") from exc
        raise
    finally:
        client.close()
    where = f"MongoDB {version}, database {database!r} ({collections} collections) at {target.where()}"
    if hello.get("setName"):
        role = "primary" if hello.get("isWritablePrimary") else "not primary"
        return Outcome("ok", f"replica set {hello['setName']!r} ({role}), {where}")
    if hello.get("msg") == "isdbgrid":
        return Outcome("ok", f"sharded cluster (mongos), {where}")
    if production:
        # Nothing here needs transactions or change streams; a standalone server works but cannot fail over.
        return Outcome("warn", f"standalone server, not a replica set (no failover), {where}")
    return Outcome("ok", f"standalone server, {where}")


def redis_check(target: Target, timeout_s: float) -> Outcome:
    """``PING`` and the server version."""
    with failing_at(target.where()):
        version = _redis_version(target.require(), timeout_s)
    return Outcome("ok", f"redis {version} at {target.where()}")


def _redis_version(url: str, timeout_s: float) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s)
    try:
        client.ping()
        return str(client.info("server").get("redis_version", "?"))
    finally:
        client.close()


def worker_check(target: Target, timeout_s: float) -> Outcome:
    """A control ``ping`` broadcast over the broker, then which answering workers run this service's tasks."""
    from celery import Celery

    if not target.url:
        raise CheckFailed("no broker to reach the workers through: start `tutor serve` or set REDIS_URL")
    url = target.url
    try:
        _redis_version(url, timeout_s)  # Celery would retry a dead broker for seconds; ask Redis first
    except Exception as exc:
        raise CheckFailed(f"cannot ask the workers: the broker {redact_url(url)} does not answer") from exc
    app = Celery("tutor-doctor", broker=url, backend=url)
    app.conf.broker_connection_retry = False
    try:
        window = min(timeout_s, 1.0)  # a ping collects replies for its whole window; workers answer in ms
        replies = app.control.ping(timeout=window)
        names = sorted(name for reply in replies for name in reply)
        if not names:
            raise CheckFailed(f"no worker answered a ping within {window:g} s: start `tutor worker` (or `tutor serve`)")
        registered = app.control.inspect(timeout=window, destination=names).registered() or {}
    finally:
        app.close()
    ours = sorted(name for name, tasks in registered.items() if WORKER_TASK in tasks)
    if not ours:
        raise CheckFailed(f"{', '.join(names)} answered but none runs this service's tasks ({WORKER_TASK})")
    return Outcome("ok", f"{len(ours)} worker(s) answered a ping and run the tutor's tasks: {', '.join(ours)}")


def chroma_check(target: Target, timeout_s: float) -> Outcome:
    """The chromadb server's v2 heartbeat (chromadb >= 1.0 serves only the v2 API) and its version."""
    import httpx

    parts = urlsplit(target.require())
    base = f"{parts.scheme}://{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 8000)}"
    with httpx.Client(timeout=timeout_s) as http, failing_at(target.where()):
        beat = http.get(f"{base}/api/v2/heartbeat")
        if beat.status_code != 200:
            problem = f"HTTP {beat.status_code} from /api/v2/heartbeat"
            raise CheckFailed(f"{problem} at {target.where()}: not a chromadb >= 1.0 server?")
        version = http.get(f"{base}/api/v2/version")
    server = version.json() if version.status_code == 200 else "?"
    return Outcome("ok", f"chromadb server (API v2, version {server}) at {target.where()}")


def storage_check(settings: Settings, timeout_s: float) -> Outcome:
    """S3: the bucket exists and a probe object can be written and deleted; else the local folder is writable."""
    if not settings.s3_bucket:
        folder = (Path(settings.var_dir) / "files").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
        return Outcome("ok", f"local folder {folder} (writable; set S3_BUCKET for S3)")
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    bucket = settings.s3_bucket
    config = Config(connect_timeout=timeout_s, read_timeout=timeout_s, retries={"max_attempts": 1})
    client = boto3.session.Session().client(
        "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region, config=config
    )
    where = f"bucket {bucket!r} at {redact_url(settings.s3_endpoint_url or 'AWS')} ({settings.s3_region})"
    step = "head_bucket"
    try:
        client.head_bucket(Bucket=bucket)
        key = f"{PROBE_PREFIX}probe-{uuid.uuid4().hex}"
        step = "put_object"
        client.put_object(Bucket=bucket, Key=key, Body=b"tutor doctor probe")
        step = "delete_object"
        client.delete_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "?"))
        message = str(exc.response.get("Error", {}).get("Message") or "error")
        reason = {"404": "does not exist", "NoSuchBucket": "does not exist", "403": "access denied",
                  "AccessDenied": "access denied"}.get(code, message)  # fmt: skip
        raise CheckFailed(f"{where}: {step} failed: {reason} ({code})") from exc
    except BotoCoreError as exc:  # no credentials, endpoint unreachable, timeouts
        raise CheckFailed(f"{where}: {step} failed: {exc}") from exc
    finally:
        client.close()
    return Outcome("ok", f"{where}: exists; a probe object was written and deleted")


def llm_check(settings: Settings, timeout_s: float) -> Outcome:
    """One chat completion with ``max_tokens=1`` (no retries) against the configured endpoint."""
    llm = settings.llm
    if not llm.configured:
        return Outcome("ok", "offline local tutor model (set OPENAI_BASE_URL / OPENAI_API_KEY for an LLM)")
    import openai

    endpoint = redact_url(llm.base_url) if llm.base_url else "the SDK's default endpoint (OPENAI_BASE_URL unset)"
    where = f"model {llm.model!r} at {endpoint}"
    client = openai.OpenAI(base_url=llm.base_url, api_key=llm.api_key or "not-needed", timeout=timeout_s, max_retries=0)
    try:
        client.chat.completions.create(model=llm.model, messages=[{"role": "user", "content": "Say OK."}], max_tokens=1)
    except openai.APITimeoutError as exc:
        raise CheckFailed(f"{where}: no answer within {timeout_s:g} s") from exc
    except openai.APIConnectionError as exc:
        raise CheckFailed(f"{where}: cannot connect ({exc.__cause__ or exc})") from exc
    except openai.APIStatusError as exc:
        raise CheckFailed(f"{where}: HTTP {exc.status_code}: {_api_message(exc)}") from exc
    finally:
        client.close()
    return Outcome("ok", f"{where} answered a one-token completion")


def _api_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:200]
    return str(getattr(exc, "message", exc))[:200]
