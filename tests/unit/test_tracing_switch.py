"""Spans cost nothing until a tracer provider is installed, however it is installed, and a caller's trace
context is carried on even without one. Each case runs in a fresh interpreter: a provider is per process."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> None:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_a_provider_installed_directly_with_opentelemetry_is_seen() -> None:
    _run(
        """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from tutor import tracing
        assert not tracing.recording()
        with tracing.continued("request", None) as span:
            assert not span.is_recording()
        trace.set_tracer_provider(TracerProvider())
        assert tracing.recording()
        with tracing.continued("request", None) as span:
            assert span.is_recording()
        """
    )


def test_without_a_provider_an_incoming_trace_context_is_passed_on() -> None:
    _run(
        """
        from tutor import tracing
        parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        with tracing.continued("request", {"traceparent": parent}):
            sent = tracing.carrier()
        assert sent["traceparent"].split("-")[1] == "0af7651916cd43dd8448eb211c80319c", sent
        assert not tracing.recording()
        """
    )
