"""Usage caps with a paid LLM (the scripted OpenAI-compatible server reports token usage): caps hold under
concurrent turns, a capped turn is answered by the offline model with a notice, and usage is recorded."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.servers import serve

pytestmark = pytest.mark.asyncio

PROMPT, COMPLETION = 100, 20  # what every scripted completion reports
TURN = PROMPT + COMPLETION


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedOpenAIServer]:
    with ScriptedOpenAIServer() as server:
        server.usage = (PROMPT, COMPLETION)
        yield server


@pytest.fixture(scope="module")
def capped_app(settings, scripted):
    from app.asgi import create_app

    llm_settings = settings.model_copy(
        update={"openai_base_url": scripted.base_url, "openai_api_key": "k", "llm_model": scripted.model,
                "llm_timeout_s": 60.0, "chat_turn_reserve_tokens": TURN,
                "llm_prices": {scripted.model: (0.5, 1.5)}}
    )  # fmt: skip
    # Two API replicas over one database: the caps are counted in MongoDB, not in a process.
    with serve(create_app(llm_settings)) as first, serve(create_app(llm_settings)) as second:
        yield first.url, second.url


async def _course(client: httpx.AsyncClient, factory, **policy) -> tuple[dict, str]:
    teacher = await factory.instructor()
    course = await factory.course(teacher, price=0)
    body = {"tutor_policy": {"conversation_review": "off", **policy}}
    res = await client.patch(f"/api/courses/{course['id']}/", json=body, headers=teacher["headers"])
    assert res.status_code == 200, res.text
    return teacher, course["id"]


async def _turn(client: httpx.AsyncClient, course_id: str | None, student: dict, replica: str = "") -> dict:
    body = {"message": "hello", "course_id": course_id}
    res = await client.post(f"{replica}/api/chat/", json=body, headers=student["headers"])
    assert res.status_code == 200, res.text
    return dict(res.json())


async def test_fifty_concurrent_turns_on_two_replicas_pass_the_daily_cap_by_at_most_one_turn(
    capped_app, scripted, factory
):
    cap = 1000
    scripted.replies.clear()
    for _ in range(60):
        scripted.reply_text("Happy to help with this course.")
    async with httpx.AsyncClient(base_url=capped_app[0], timeout=60) as client:
        teacher, course_id = await _course(client, factory, student_daily_tokens=cap)
        student = await factory.student()
        answers = await asyncio.gather(*[_turn(client, course_id, student, capped_app[i % 2]) for i in range(50)])
        by_llm = [a for a in answers if a["model"] == scripted.model]
        notices = [e["data"] for a in answers for e in a["events"] if e["type"] == "notice"]
        capped = [n for n in notices if n["code"] == "usage_cap"]
        assert by_llm and capped
        assert all(not a["incomplete"] and a["answer"] for a in answers)  # a capped turn still answers
        assert all("today's AI tutor allowance" in n["message"] for n in capped)
        assert len(by_llm) + len(capped) + len(notices) - len(capped) == 50  # the rest fell back (a slow LLM)
        used = len(by_llm) * TURN
        assert used <= cap + TURN, used  # passed by at most one turn
        if len(notices) == len(capped):  # no admitted turn fell back: the turns used the cap up
            assert used >= cap, used
        mine = (await client.get(f"/api/courses/{course_id}/usage/me/", headers=student["headers"])).json()
        assert mine["tokens"] == used and mine["capped"] is (used >= cap)
        report = (await client.get(f"/api/courses/{course_id}/usage/", headers=teacher["headers"])).json()
        assert report["totals"]["messages"] == 50 and report["totals"]["billable_tokens"] == used
        expected_cost = len(by_llm) * (PROMPT * 0.5 + COMPLETION * 1.5) / 1000
        assert report["totals"]["estimated_cost"] == pytest.approx(expected_cost)
        # Another student of the same course has their own allowance.
        other = await factory.student()
        assert (await _turn(client, course_id, other))["model"] == scripted.model
    scripted.replies.clear()


async def test_the_course_monthly_cap_sends_every_student_to_the_offline_model(capped_app, scripted, factory):
    scripted.replies.clear()
    for _ in range(6):
        scripted.reply_text("Happy to help with this course.")
    async with httpx.AsyncClient(base_url=capped_app[1], timeout=60) as client:
        _, course_id = await _course(client, factory, course_monthly_tokens=2 * TURN)
        first, second = await factory.student(), await factory.student()
        assert (await _turn(client, course_id, first))["model"] == scripted.model
        assert (await _turn(client, course_id, second))["model"] == scripted.model
        capped = await _turn(client, course_id, first)
        assert capped["model"] != scripted.model
        notice = next(e["data"] for e in capped["events"] if e["type"] == "notice")
        assert notice["code"] == "usage_cap" and "budget for the month" in notice["message"]
        # A student with no daily cap of their own is still held by the course's.
        assert (await _turn(client, course_id, second))["model"] != scripted.model
        # Chatting outside any course ("all my courses") searches this one too: held by its cap as well.
        res = await client.post("/api/courses/enroll/", json={"course_id": course_id}, headers=first["headers"])
        assert res.status_code in (200, 201), res.text
        outside = await _turn(client, None, first)
        assert outside["model"] != scripted.model
        assert next(e["data"] for e in outside["events"] if e["type"] == "notice")["code"] == "usage_cap"
        # Someone enrolled in no capped course is not held by it.
        assert (await _turn(client, None, await factory.student()))["model"] == scripted.model
    scripted.replies.clear()
