"""Instructor oversight in a real browser: tutor policy, conversation review, usage and content gaps.

The instructor turns anonymized review on with a daily token cap; a student chats in the course (through the
API), once asking for the quiz answers and once about something the course does not cover. The instructor
sees the flagged conversation first under a pseudonym (never the student's name or email), reads it, sees
today's usage and the uncovered question; the student sees in the chat that the instructor can read it.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.e2e.data import CourseWithMaterial
from tests.e2e.ui import sign_in

pytestmark = pytest.mark.asyncio

QUIZ_ANSWERS = "just give me the answers to the quiz"
COVERED = "How do I repeat a block five times with a for loop?"
UNCOVERED = "how do i declare an interface in java"
PSEUDONYM = re.compile(r"Student [0-9a-f]{4,}")


async def chat(client: httpx.AsyncClient, student: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """One whole tutor turn through the API."""
    res = await client.post("/api/chat/", json=body, headers=student["headers"], timeout=120)
    assert res.status_code == 200, res.text
    return dict(res.json())


async def assert_no_identity(page: Page, student: dict[str, Any], name: str) -> None:
    """Neither the student's name nor email is anywhere in the page (text or attributes)."""
    html = await page.content()
    assert name not in html, "the student's name is shown under anonymized review"
    assert student["email"] not in html, "the student's email is shown under anonymized review"


async def test_instructor_reviews_anonymized_conversations_usage_and_gaps(
    page: Page, page_log, course_with_material: CourseWithMaterial, client: httpx.AsyncClient, factory
) -> None:
    course = course_with_material
    teacher = course.teacher

    # The instructor sets the tutor policy: anonymized review and a daily cap per student.
    await sign_in(page, teacher["email"], teacher["password"])
    await page.get_by_role("link", name="Teach").click()
    await page.get_by_role("link", name=course.title).click()
    tabs = page.get_by_role("navigation", name="Course management")
    await tabs.get_by_role("link", name="Tutor policy").click()
    await expect(page.get_by_role("heading", name="Tutor policy", level=1)).to_be_visible()
    await expect(page.get_by_role("radio", name="Off")).to_be_checked()
    await page.get_by_role("radio", name="Anonymized").check()
    await page.get_by_label("Daily tokens per student").fill("20000")
    await page.get_by_role("button", name="Save policy").click()
    await expect(page.get_by_role("status").filter(has_text="✓ Saved.")).to_be_visible()
    stored = (await client.get(f"/api/courses/{course.id}/", headers=teacher["headers"])).json()
    assert stored["tutor_policy"] == {
        "conversation_review": "anonymized",
        "student_daily_tokens": 20000,
        "course_monthly_tokens": None,
    }, stored
    await page.reload()
    await expect(page.get_by_role("radio", name="Anonymized")).to_be_checked()
    await expect(page.get_by_label("Daily tokens per student")).to_have_value("20000")

    # A student chats in the course: first asks for the quiz answers, later (in another conversation) asks
    # a covered question and one the course does not cover.
    name = f"Zelda Quizseeker {uuid.uuid4().hex[:4]}"
    student = await factory.student(full_name=name)
    enrolled = await client.post("/api/courses/enroll/", json={"course_id": course.id}, headers=student["headers"])
    assert enrolled.status_code == 201, enrolled.text
    flagged = await chat(client, student, {"message": QUIZ_ANSWERS, "course_id": course.id})
    covered = await chat(client, student, {"message": COVERED, "course_id": course.id})
    await chat(client, student, {"message": UNCOVERED, "course_id": course.id, "thread_id": covered["thread_id"]})
    assert flagged["thread_id"] != covered["thread_id"]

    # Conversations: the flagged one first, with its badge, under a pseudonym.
    await tabs.get_by_role("link", name="Conversations").click()
    await expect(page.get_by_role("heading", name="Conversations", level=1)).to_be_visible()
    rows = page.locator("table.conversations tbody tr")
    await expect(rows).to_have_count(2)
    first = rows.nth(0)
    await expect(first).to_have_attribute("data-thread", flagged["thread_id"])
    await expect(first.locator(".badge.flag")).to_have_text(["Asked for quiz answers"])
    pseudonym = (await first.get_by_role("link").inner_text()).strip()
    assert PSEUDONYM.fullmatch(pseudonym), pseudonym
    await expect(rows.nth(1).get_by_role("link")).to_have_text(pseudonym)
    await assert_no_identity(page, student, name)

    # The flagged conversation: the student's message (flagged) and the tutor's answer.
    await first.get_by_role("link", name=pseudonym).click()
    await expect(page.get_by_role("heading", name=f"Conversation with {pseudonym}")).to_be_visible()
    log = page.get_by_role("log", name=f"Conversation with {pseudonym}")
    asked = log.locator("article.msg-user")
    await expect(asked).to_have_count(1)
    await expect(asked).to_contain_text(QUIZ_ANSWERS)
    await expect(asked.locator(".badge.flag")).to_have_text("Asked for quiz answers")
    answer = log.locator("article.msg-assistant")
    await expect(answer).to_have_count(1)
    assert (await answer.locator(".answer-text").inner_text()).strip()
    await assert_no_identity(page, student, name)

    # Usage: today's bar in the chart per day, and the student's row under the same pseudonym.
    await tabs.get_by_role("link", name="Usage").click()
    await expect(page.get_by_role("heading", name="Usage", level=1)).to_be_visible()
    today = datetime.now(UTC).date().isoformat()
    await expect(page.get_by_label("To", exact=True)).to_have_value(today)
    bar = page.locator(f".day-bar[data-day='{today}']")
    await expect(bar).to_be_visible()
    await expect(bar).to_have_attribute("title", re.compile(rf"^{today}: [\d,]+ tokens "))
    await expect(page.locator(".usage-totals")).to_contain_text("Messages")
    student_row = page.locator("table.usage-students tbody tr")
    await expect(student_row).to_have_count(1)
    await expect(student_row.get_by_role("rowheader")).to_have_text(pseudonym)
    await assert_no_identity(page, student, name)

    # Content gaps: the question the course does not cover.
    await tabs.get_by_role("link", name="Content gaps").click()
    await expect(page.get_by_role("heading", name="Content gaps", level=1)).to_be_visible()
    gaps = page.get_by_role("list", name="Content gaps")
    await expect(gaps.locator(".gap-examples")).to_contain_text(UNCOVERED)
    await expect(gaps).not_to_contain_text(COVERED)

    # The student sees in the chat that the instructor can read the conversation, and their use today.
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await sign_in(page, student["email"], student["password"])
    await page.get_by_role("link", name="Tutor chat").click()
    notice = page.locator(".review-notice")
    await expect(notice).to_be_hidden()
    await page.get_by_label("Course").select_option(label=course.title)
    await expect(notice).to_have_text("Your instructor can read conversations in this course (your name is hidden).")
    await expect(page.locator(".usage-today")).to_have_text(re.compile(r"^Today: [\d,]+ tokens of 20,000"))
    await page.get_by_role("navigation", name="Conversations").get_by_role("link", name=QUIZ_ANSWERS).click()
    await expect(page.get_by_label("Course")).to_have_value(course.id)
    await expect(notice).to_have_text("Your instructor can read conversations in this course (your name is hidden).")


async def test_review_off_explains_and_links_to_the_policy_form(
    page: Page, page_log, client: httpx.AsyncClient, factory
) -> None:
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    page_log.allowed.append("status of 403")

    # Review is off by default: the server's explanation, and the way to the policy form.
    await sign_in(page, teacher["email"], teacher["password"])
    await page.goto(f"/#/teach/{course['id']}/conversations")
    await expect(page.get_by_role("heading", name="Conversations", level=1)).to_be_visible()
    await expect(page.locator("main .alert")).to_contain_text("Conversation review is off for this course")
    await expect(page.locator("table.conversations")).to_have_count(0)
    await page.get_by_role("link", name="Change the tutor policy").click()
    await expect(page.get_by_role("heading", name="Tutor policy", level=1)).to_be_visible()
    await expect(page.get_by_role("radio", name="Off")).to_be_checked()

    # Named review, no caps: the conversations page opens, still empty; so does the content gaps page.
    await page.get_by_role("radio", name="Named").check()
    await page.get_by_role("button", name="Save policy").click()
    await expect(page.get_by_role("status").filter(has_text="✓ Saved.")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Course management")
    await tabs.get_by_role("link", name="Conversations").click()
    await expect(page.get_by_text("No conversations to review yet.")).to_be_visible()
    await expect(page.locator(".review-mode")).to_contain_text("Named")
    await tabs.get_by_role("link", name="Content gaps").click()
    await expect(page.get_by_role("heading", name="No content gaps found yet")).to_be_visible()

    # Usage of a chosen week: one bar per day, each labelled, and no student yet.
    await tabs.get_by_role("link", name="Usage").click()
    await page.get_by_label("From", exact=True).fill("2026-01-01")
    await page.get_by_label("To", exact=True).fill("2026-01-07")
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_role("heading", name="Totals, 2026-01-01 to 2026-01-07")).to_be_visible()
    bars = page.locator(".day-bar")
    await expect(bars).to_have_count(7)
    await expect(bars.first).to_have_attribute("title", "2026-01-01: 0 tokens (0 prompt, 0 completion), 0 message(s)")
    await expect(page.get_by_text("No student used the tutor in this period.")).to_be_visible()
    stored = (await client.get(f"/api/courses/{course['id']}/", headers=teacher["headers"])).json()
    assert stored["tutor_policy"]["conversation_review"] == "named", stored
