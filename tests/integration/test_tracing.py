"""Traces, exported to an in-memory exporter: a chat turn's spans, and an API request linked to the Celery task
it queued (the trace context travels in the task's message headers to a real worker)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.servers import serve
from tutor import tracing

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)  # once per process: the tracer of tutor.tracing delegates to it
    yield exporter
    provider.shutdown()


@pytest.fixture(scope="module")
def traced_stack(settings, spans):
    """The API and a worker (in this process, so its spans reach the exporter) on a broker of their own."""
    from celery.contrib.testing.worker import start_worker

    import recommender.tasks  # noqa: F401  (registers the task the API queues)
    from app import worker_observability
    from app.asgi import create_app
    from tutor.celery_app import make_celery

    own = settings.model_copy(update={"redis_url": (settings.redis_url or "").rsplit("/", 1)[0] + "/7"})
    celery = make_celery(own)
    worker_observability.connect()
    with (
        start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"),
        serve(create_app(own)) as api,
    ):
        yield api.url


def _one(spans: list[ReadableSpan], name: str) -> ReadableSpan:
    found = [s for s in spans if s.name == name]
    assert found, (name, sorted({s.name for s in spans}))
    return found[-1]


async def test_an_api_request_and_its_celery_task_share_one_trace(traced_stack, spans, factory):
    import httpx

    student, teacher = await factory.student(), await factory.instructor()
    course = await factory.course(teacher, price=0)
    async with httpx.AsyncClient(base_url=traced_stack, timeout=30) as http:
        await http.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
        spans.clear()
        body = {"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 0}}
        res = await http.post("/api/progress/update/", json=body, headers=student["headers"])
        assert res.status_code == 200, res.text
    deadline = time.monotonic() + 30
    wanted = {"celery.task recommender.refresh_learner", "POST /api/progress/update"}
    # The request's span ends once its response is sent, which may be after the worker's task span.
    while not wanted <= {s.name for s in spans.get_finished_spans()}:
        assert time.monotonic() < deadline, sorted({s.name for s in spans.get_finished_spans()})
        await asyncio.sleep(0.2)
    finished = list(spans.get_finished_spans())
    request = _one(finished, "POST /api/progress/update")
    task = _one(finished, "celery.task recommender.refresh_learner")
    assert task.context.trace_id == request.context.trace_id
    assert task.parent is not None and task.parent.span_id == request.context.span_id
    assert (request.attributes or {}).get("http.response.status_code") == 200


async def test_a_chat_turn_has_spans_for_its_model_and_tool_calls(traced_stack, spans, factory):
    import httpx

    student = await factory.student()
    spans.clear()
    async with httpx.AsyncClient(base_url=traced_stack, timeout=60) as http:
        res = await http.post("/api/chat/", json={"message": "What can you do?"}, headers=student["headers"])
        assert res.status_code == 200
        res = await http.post("/api/chat/", json={"message": "How do loops work?"}, headers=student["headers"])
        assert res.status_code == 200
    finished = list(spans.get_finished_spans())
    # The later request's span (spans are listed as they end, which need not be the order they began).
    request = max((s for s in finished if s.name == "POST /api/chat"), key=lambda s: s.start_time or 0)
    turn = [s for s in finished if s.name == "chat.turn" and s.context.trace_id == request.context.trace_id]
    assert len(turn) == 1 and turn[0].parent is not None and turn[0].parent.span_id == request.context.span_id
    children = [s for s in finished if s.parent is not None and s.parent.span_id == turn[0].context.span_id]
    names = sorted(s.name for s in children)
    assert "llm.call" in names and "tool search_course_material" in names, names
    tool = next(s for s in children if s.name == "tool search_course_material")
    retrieval = [s for s in finished if s.name == "retrieval" and s.parent and s.parent.span_id == tool.context.span_id]
    assert len(retrieval) == 1
