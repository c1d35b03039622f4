"""Operations' view over real HTTP: Prometheus metrics (API and worker), who may read them, JSON logs."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.test_materials import upload, wait_job
from tests.servers import serve
from tutor.logs import JsonFormatter
from tutor.metrics import EXPORTED

pytestmark = pytest.mark.asyncio

LESSON = b"# Loops\\n\\n## For loops\\n\\nA for loop runs its body once for every item of a sequence.\\n"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a metrics page: (name, sorted labels) -> value."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(page: dict, name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels``."""
    return sum(v for (n, ls), v in page.items() if n == name and set(labels.items()) <= set(ls))


async def test_metrics_after_a_chat_turn_an_upload_and_a_quiz(client, factory, worker, worker_metrics_port):
    teacher = await factory.instructor()
    course = await factory.course(teacher, price=0)
    res = await upload(client, course["id"], teacher["headers"], [("loops.md", LESSON.replace(b"\\n", b"\n"))], "l1")
    assert (await wait_job(client, res.json()["id"], teacher["headers"]))["state"] == "succeeded"
    student = await factory.student()
    await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
    chat = {"message": "What does a for loop do?", "course_id": course["id"]}
    assert (await client.post("/api/chat/", json=chat, headers=student["headers"])).status_code == 200
    quiz = {"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 0}}
    assert (await client.post("/api/progress/update/", json=quiz, headers=student["headers"])).status_code == 200
    for _ in range(6):  # the login limit (5 failures per account) refuses the sixth
        await client.post("/api/auth/login/", json={"email": student["email"], "password": "not the password"})

    res = await client.get("/metrics")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/plain")
    api = samples(res.text)
    route = "/api/chat"  # Litestar's route template (no trailing slash)
    assert value(api, "tutor_http_request_duration_seconds_count", route=route, method="POST", status="2xx") >= 1
    assert value(api, "tutor_http_request_duration_seconds_count", route="/api/progress/update", status="2xx") >= 1
    assert value(api, "tutor_http_request_duration_seconds_count", route="/api/auth/login", status="4xx") >= 6
    uploads = {dict(ls)["route"] for (n, ls), v in api.items() if n.endswith("_count") and "/materials" in str(ls)}
    assert uploads and all("{course_id" in r and course["id"] not in r for r in uploads), uploads
    assert all("course_id" not in dict(ls) for (n, ls) in api if n.startswith("tutor_http"))  # templates, no ids
    assert value(api, "tutor_chat_first_event_seconds_count", model="local-tutor-v2") >= 1
    assert 0 < value(api, "tutor_chat_first_event_seconds_sum") <= value(api, "tutor_chat_turn_seconds_sum")
    assert value(api, "tutor_chat_active_streams") == 0
    assert value(api, "tutor_llm_requests_total", model="local-tutor-v2") >= 2  # a search, then the answer
    assert value(api, "tutor_llm_tokens_total", model="local-tutor-v2", direction="prompt") > 0
    assert value(api, "tutor_retrieval_seconds_count") >= 1
    assert ("tutor_worker_queue_depth", (("queue", "celery"),)) in api
    assert value(api, "tutor_rate_limited_total", limit="login") >= 1
    assert value(api, "tutor_llm_errors_total", model="local-tutor-v2") == 0  # (other tests fail scripted LLMs)

    # The worker: the ingestion job and the learner refresh the quiz queued.
    deadline = time.monotonic() + 60
    while True:
        async with httpx.AsyncClient(timeout=10) as scraper:
            page = samples((await scraper.get(f"http://127.0.0.1:{worker_metrics_port}/metrics")).text)
        if value(page, "tutor_learner_refresh_seconds_count") >= 1 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    assert value(page, "tutor_ingest_jobs_total", outcome="succeeded") >= 1
    assert value(page, "tutor_ingest_job_seconds_count") >= 1 and value(page, "tutor_ingest_job_seconds_sum") > 0
    assert value(page, "tutor_learner_refresh_seconds_count") >= 1
    async with httpx.AsyncClient(timeout=10) as scraper:
        worker_page = (await scraper.get(f"http://127.0.0.1:{worker_metrics_port}/metrics")).text
    families = {f.name for page_text in (res.text, worker_page) for f in text_string_to_metric_families(page_text)}
    exported = {name.removesuffix("_total") for name in EXPORTED}
    assert exported <= families, exported - families


async def test_metrics_are_refused_to_remote_clients_without_the_token(client, settings):
    relayed = {"X-Forwarded-For": "203.0.113.9"}  # as a proxy on this machine would pass on a remote client
    assert (await client.get("/metrics", headers=relayed)).status_code == 403  # no METRICS_TOKEN: loopback only
    from app.asgi import create_app

    token = "scrape-" + "t" * 24
    with serve(create_app(settings.model_copy(update={"metrics_token": token}))) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            assert (await http.get("/metrics", headers=relayed)).status_code == 401
            wrong = {**relayed, "Authorization": "Bearer " + "x" * 30}
            assert (await http.get("/metrics", headers=wrong)).status_code == 403
            good = await http.get("/metrics", headers={**relayed, "Authorization": f"Bearer {token}"})
            assert good.status_code == 200 and "tutor_http_request_duration_seconds" in good.text
            assert (await http.get("/metrics")).status_code == 200  # loopback


async def test_json_log_lines_carry_the_request_id_the_response_shows(client, factory):
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    keep = Keep(level=logging.INFO)
    keep.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(keep)
    try:
        student = await factory.student()
        res = await client.get("/api/enrollments/", headers=student["headers"])
        missing = await client.get("/api/courses/no-such-course/", headers=student["headers"])
        # The access line is written once the response is sent: the client may see the response first.
        ids = {res.headers["X-Request-ID"], missing.headers["X-Request-ID"]}
        deadline = time.monotonic() + 10
        while not ids <= {json.loads(line).get("request_id") for line in lines if "tutor.access" in line}:
            assert time.monotonic() < deadline, "no access line"
            await asyncio.sleep(0.05)
    finally:
        logging.getLogger().removeHandler(keep)
    parsed = [json.loads(line) for line in lines]  # every line is one JSON object
    request_id = res.headers["X-Request-ID"]
    access = [p for p in parsed if p.get("request_id") == request_id and p["logger"] == "tutor.access"]
    assert len(access) == 1
    line = access[0]
    assert line["route"] == "/api/enrollments" and line["status"] == 200 and line["method"] == "GET"
    assert line["duration_ms"] >= 0 and line["level"] == "INFO" and line["ts"]
    assert line["user"] and student["id"] not in json.dumps(line) and student["email"] not in json.dumps(line)
    other = [p for p in parsed if p.get("request_id") == missing.headers["X-Request-ID"]]
    assert [p["status"] for p in other if p["logger"] == "tutor.access"] == [404]
