"""What a user sees when things go wrong, and that course text can never inject markup."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, Route, expect

from tests.e2e.ui import sign_in

pytestmark = pytest.mark.asyncio

HOSTILE_LESSON = """# Careful

<img src="x" onerror="window.__pwned = 1"> stays text.

<script>window.__pwned = 2</script>

[click me](javascript:window.__pwned=3) and [the docs](https://docs.python.org/3/)
"""


async def test_lesson_markup_is_rendered_as_text_never_as_html(page: Page, factory, client) -> None:
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    await client.patch(f"/api/courses/{course['id']}/lessons/l1/", json={"content": HOSTILE_LESSON}, headers=teacher["headers"])
    student = await factory.student()
    enrolled = await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
    assert enrolled.status_code == 201, enrolled.text  # lesson text is for enrolled students
    await sign_in(page, student["email"], student["password"])
    await page.goto(f"/#/courses/{course['id']}/lessons/l1")
    lesson = page.locator("article.lesson")
    await expect(lesson).to_contain_text('<img src="x" onerror="window.__pwned = 1"> stays text.')
    await expect(lesson).to_contain_text("<script>window.__pwned = 2</script>")
    assert await lesson.locator("img, script").count() == 0
    assert await page.evaluate("window.__pwned === undefined")
    await expect(lesson.get_by_role("link", name="the docs")).to_have_attribute("href", "https://docs.python.org/3/")
    await expect(lesson.get_by_role("link", name="click me")).to_have_count(0)


async def test_chat_shows_rate_limit_and_stream_errors(page: Page, page_log, factory) -> None:
    student = await factory.student()
    await sign_in(page, student["email"], student["password"])
    page_log.allowed.append("status of 429")

    async def too_many(route: Route) -> None:
        await route.fulfill(
            status=429,
            headers={"Retry-After": "17", "Content-Type": "application/json"},
            body='{"status_code": 429, "error": "Too Many Requests", "detail": "slow down"}',
        )

    await page.route("**/api/chat/stream/", too_many)
    await page.goto("/#/chat")
    await page.get_by_label("Your message").fill("Hello?")
    await page.get_by_role("button", name="Send").click()
    await expect(page.get_by_role("alert")).to_have_text("Too many requests. Try again in 17 s.")
    await expect(page.get_by_label("Your message")).to_have_value("Hello?")  # kept for a retry

    async def tutor_down(route: Route) -> None:
        body = (
            'event: notice\ndata: {"message": "The language model is unreachable; the offline tutor answers.",'
            ' "code": "llm_fallback"}\n\n'
            'event: token\ndata: {"text": "Partial"}\n\n'
            'event: error\ndata: {"message": "The tutor is unavailable right now.", "code": "llm_unavailable"}\n\n'
        )
        await route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body)

    await page.unroute("**/api/chat/stream/")
    await page.route("**/api/chat/stream/", tutor_down)
    await page.get_by_role("button", name="Send").click()
    answer = page.locator(".msg-assistant").last
    await expect(answer).to_have_attribute("aria-busy", "false")
    await expect(answer.get_by_role("status")).to_contain_text("the offline tutor answers")
    await expect(answer.get_by_role("alert")).to_have_text("The tutor is unavailable right now.")
    await expect(answer.locator(".answer-text")).to_have_text("Partial")
