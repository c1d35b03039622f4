"""Every Prometheus metric the service exports, defined once (names and labels are an interface: dashboards
and alert rules in ``deploy/`` read them, and a test checks they match).

Label values are bounded: route templates (never a path with ids), methods, status classes, model names
from the settings, outcomes and queue names from fixed sets; never a user, course or thread id.
The API serves them at ``/metrics``; each worker on its own port (``TUTOR_WORKER_METRICS_PORT``), with
the client's multiprocess mode when the worker runs several child processes.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Seconds: from a cheap read (~1 ms) to a long streamed answer (~1 min).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0)

HTTP_REQUEST_SECONDS = Histogram(
    "tutor_http_request_duration_seconds",
    "HTTP requests by route template, method and status class (2xx, 4xx, 5xx...).",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
CHAT_FIRST_EVENT_SECONDS = Histogram(
    "tutor_chat_first_event_seconds",
    "Seconds from a chat request to the first event the student receives.",
    ["model"],
    buckets=LATENCY_BUCKETS,
)
CHAT_TURN_SECONDS = Histogram(
    "tutor_chat_turn_seconds", "Seconds of a whole chat turn, to its done event.", ["model"], buckets=LATENCY_BUCKETS
)
CHAT_ACTIVE_STREAMS = Gauge("tutor_chat_active_streams", "Chat turns being answered right now.")
LLM_REQUESTS = Counter(
    "tutor_llm_requests_total",
    "Model calls, by model and kind (tools: the call offered tools; answer: it had to answer).",
    ["model", "kind"],
)
LLM_ERRORS = Counter(
    "tutor_llm_errors_total", "Failed model calls, by model and kind (see ERROR_KINDS).", ["model", "kind"]
)
ERROR_KINDS = ("timeout", "rate_limit", "server", "connection", "client", "other")
LLM_TOKENS = Counter("tutor_llm_tokens_total", "Model tokens, by model and direction (prompt, completion).",
                     ["model", "direction"])  # fmt: skip
RETRIEVAL_SECONDS = Histogram(
    "tutor_retrieval_seconds", "Seconds of one course-material search (embedding included).", buckets=LATENCY_BUCKETS
)
INGEST_JOBS = Counter("tutor_ingest_jobs_total", "Ingestion jobs finished, by outcome.", ["outcome"])
INGEST_JOB_SECONDS = Histogram("tutor_ingest_job_seconds", "Seconds of one ingestion job.", buckets=JOB_BUCKETS)
WORKER_QUEUE_DEPTH = Gauge("tutor_worker_queue_depth", "Background jobs waiting, by queue.", ["queue"])
LEARNER_REFRESH_SECONDS = Histogram(
    "tutor_learner_refresh_seconds", "Seconds of one learner-model refresh on the worker.", buckets=JOB_BUCKETS
)
RATE_LIMITED = Counter("tutor_rate_limited_total", "Requests refused by a rate limit (429), by limit.", ["limit"])

EXPORTED = (
    "tutor_http_request_duration_seconds",
    "tutor_chat_first_event_seconds",
    "tutor_chat_turn_seconds",
    "tutor_chat_active_streams",
    "tutor_llm_requests_total",
    "tutor_llm_errors_total",
    "tutor_llm_tokens_total",
    "tutor_retrieval_seconds",
    "tutor_ingest_jobs_total",
    "tutor_ingest_job_seconds",
    "tutor_worker_queue_depth",
    "tutor_learner_refresh_seconds",
    "tutor_rate_limited_total",
)
"""The metric families, as named in PromQL (histograms also export ``_bucket``, ``_sum`` and ``_count``)."""
