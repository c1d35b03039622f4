"""The worker's metrics and traces: task spans continuing the API's trace, job metrics, the metrics port.

Tasks run in prefork child processes. With ``TUTOR_WORKER_METRICS_PORT`` set, the (single, by default)
child serves its metrics on that port; with several children, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty
directory) for the worker, and the parent serves every child's metrics there instead (the client's
multiprocess mode). Traces are exported (OTLP) only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from celery.signals import task_postrun, task_prerun, worker_init, worker_process_init
from opentelemetry.trace import Span

from tutor.metrics import INGEST_JOB_SECONDS, INGEST_JOBS, LEARNER_REFRESH_SECONDS
from tutor.settings import get_settings
from tutor.tracing import configure_tracing, continued, mark_error

log = logging.getLogger(__name__)
_running: dict[str, tuple[Any, Span, float]] = {}  # task id -> (span context manager, span, start)
INGEST_OUTCOMES = ("succeeded", "partial", "failed")


def task_headers(task: Any) -> dict[str, Any]:
    """The trace context the API put in the task's message headers."""
    request = task.request
    headers = dict(getattr(request, "headers", None) or {})
    for name in ("traceparent", "tracestate"):
        value = getattr(request, name, None)
        if value and name not in headers:
            headers[name] = value
    return headers


def _start(task_id: str, task: Any, **_: Any) -> None:
    manager = continued(f"celery.task {task.name}", task_headers(task))
    span = manager.__enter__()
    span.set_attribute("celery.task_name", task.name)
    _running[task_id] = (manager, span, time.perf_counter())


def _finish(task_id: str, task: Any, retval: Any = None, state: str | None = None, **_: Any) -> None:
    entry = _running.pop(task_id, None)
    if entry is None:
        return
    manager, span, started = entry
    seconds = time.perf_counter() - started
    if task.name == "ingest.run_job":
        outcome = retval.get("state") if isinstance(retval, dict) and state == "SUCCESS" else "failed"
        INGEST_JOBS.labels(outcome if outcome in INGEST_OUTCOMES else "failed").inc()
        INGEST_JOB_SECONDS.observe(seconds)
    elif task.name == "recommender.refresh_learner" and state == "SUCCESS":
        LEARNER_REFRESH_SECONDS.observe(seconds)
    if state not in (None, "SUCCESS"):
        mark_error(span, f"task {state}")
    manager.__exit__(None, None, None)


def _serve_metrics(port: int, multiprocess: bool) -> None:
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

    registry = REGISTRY
    if multiprocess:
        from prometheus_client import multiprocess as mp

        registry = CollectorRegistry()
        mp.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    try:
        start_http_server(port, registry=registry)
        log.info("worker metrics on port %d", port)
    except OSError as exc:
        log.warning("worker metrics not served on port %d (%r): with several worker children, set "
                    "PROMETHEUS_MULTIPROC_DIR", port, exc)  # fmt: skip


def _child_ready(**_: Any) -> None:
    configure_tracing("tutor-worker")  # after the fork: the exporter's thread must belong to this child
    for outcome in INGEST_OUTCOMES:  # every outcome's series from the start, so increase() sees the first one
        INGEST_JOBS.labels(outcome)
    port = get_settings().worker_metrics_port
    if port and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _serve_metrics(port, multiprocess=False)


def _parent_ready(**_: Any) -> None:
    port = get_settings().worker_metrics_port
    if port and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _serve_metrics(port, multiprocess=True)


def connect() -> None:
    """Hook the worker's signals (called once, where the worker's Celery app is put together)."""
    task_prerun.connect(_start, weak=False)
    task_postrun.connect(_finish, weak=False)
    worker_process_init.connect(_child_ready, weak=False)
    worker_init.connect(_parent_ready, weak=False)
