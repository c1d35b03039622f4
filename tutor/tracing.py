"""OpenTelemetry traces: HTTP requests, chat turns (retrieval, model calls, tool calls) and background tasks.

Spans are exported with OTLP only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the exporter reads the
standard ``OTEL_*`` variables itself). Otherwise no tracer provider is installed and every span is
OpenTelemetry's non-recording no-op: nothing is allocated, timed or sent. The trace context goes from
the API into the worker in the task's message headers (W3C ``traceparent``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import context, propagate, trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, TracerProvider

log = logging.getLogger(__name__)
tracer = trace.get_tracer("tutor")
_configured = False
_recording = False  # a tracer provider was seen installed (see recording())


def configure_tracing(service_name: str) -> bool:
    """Install the OTLP exporter when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set; whether it was installed."""
    global _configured
    if _configured or not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return _configured
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = os.environ.get("OTEL_SERVICE_NAME", service_name)
    provider = SdkTracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    install(provider)
    _configured = True
    log.info("exporting traces with OTLP to %s as %s", os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"], name)
    return True


def carrier() -> dict[str, str]:
    """The current trace context as message headers (empty when nothing is being traced)."""
    headers: dict[str, str] = {}
    propagate.inject(headers)
    return headers


@contextmanager
def span(name: str, kind: SpanKind = SpanKind.INTERNAL, **attributes: Any) -> Iterator[Span]:
    """A span around a block; an exception marks it failed (and goes on up)."""
    with tracer.start_as_current_span(name, kind=kind, attributes=attributes or None) as current:
        yield current


def install(provider: TracerProvider) -> None:
    """Make ``provider`` the process's tracer provider (OpenTelemetry allows one per process)."""
    global _recording
    trace.set_tracer_provider(provider)
    _recording = True


def recording() -> bool:
    """Whether a tracer provider is installed; without one every span is a no-op and a caller may skip
    the work of preparing one (decoding headers for the trace context).

    Once one is installed (through :func:`install` or any other way OpenTelemetry allows), the answer is
    remembered: a provider cannot be taken away again.
    """
    global _recording
    if not _recording and not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        _recording = True
    return _recording


@contextmanager
def continued(name: str, headers: Mapping[str, Any] | None, kind: SpanKind = SpanKind.CONSUMER) -> Iterator[Span]:
    """A span continuing the trace whose context ``headers`` carry (a task sent by the API).

    With no headers and no provider there is nothing to continue or record: the no-op span, at no cost.
    With headers but no provider, the caller's trace context still becomes current, so what this block
    sends on (a Celery task) carries it further.
    """
    if headers is None and not recording():
        yield trace.INVALID_SPAN
        return
    parent = propagate.extract(dict(headers or {}))
    token = context.attach(parent)
    try:
        with tracer.start_as_current_span(name, kind=kind) as current:
            yield current
    finally:
        context.detach(token)


def mark_error(current: Span, description: str) -> None:
    """Mark ``current`` as failed without an exception (e.g. an HTTP 5xx answered normally)."""
    current.set_status(Status(StatusCode.ERROR, description))
