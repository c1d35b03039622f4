"""A student in a real browser: sign up, find and enroll, chat with a streamed cited answer, quiz, progress."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect

from tests.e2e.data import CourseWithMaterial

pytestmark = pytest.mark.asyncio

# Counts the token appends to the answer's text node (each streamed token is one characterData change;
# the final "done" rendering replaces nodes instead, so it is not counted).
COUNT_TEXT_GROWTH = """
() => {
  window.__growth = 0;
  const log = document.querySelector('.chat-log');
  new MutationObserver((records) => {
    window.__growth += records.filter((r) => r.type === 'characterData').length;
  }).observe(log, { characterData: true, subtree: true });
}
"""


async def test_student_signs_up_enrolls_chats_takes_quiz_and_sees_progress(
    page: Page, course_with_material: CourseWithMaterial
) -> None:
    course = course_with_material
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.get_by_role("link", name="Create a student account").click()
    await page.get_by_label("Full name").fill("Ada Learner")
    await page.get_by_label("Email").fill(f"ada-{uuid.uuid4().hex[:8]}@example.com")
    await page.get_by_label("Password").fill("a long enough password")
    await page.get_by_label("Career goals (optional)").fill("software developer")
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_role("heading", name="Course catalogue")).to_be_visible()
    await expect(page.get_by_text("Ada Learner (student)")).to_be_visible()

    # Find the course with the text search filter, open it and enroll.
    await page.get_by_label("Search").fill(course.title)
    await page.get_by_role("button", name="Apply filters").click()
    await expect(page.get_by_role("heading", name="1 course found")).to_be_visible()
    await page.get_by_role("link", name=course.title).click()
    await expect(page.get_by_role("heading", name=course.title, level=1)).to_be_visible()
    await page.get_by_role("button", name="Enroll in this course").click()
    await expect(page.get_by_text("You are enrolled.")).to_be_visible()

    # Ask the tutor; the answer streams in token by token and cites the lesson.
    await page.get_by_role("link", name="Tutor chat").click()
    await page.get_by_label("Course").select_option(label=course.title)
    await page.evaluate(COUNT_TEXT_GROWTH)
    await page.get_by_label("Your message").fill("How do I repeat a block five times with a for loop?")
    await page.get_by_role("button", name="Send").click()
    answer = page.locator(".msg-assistant").nth(0)
    await expect(answer).to_have_attribute("aria-busy", "false", timeout=60_000)
    await expect(answer.locator(".answer-text")).to_contain_text("range")
    assert await page.evaluate("window.__growth") >= 2, "the answer did not arrive as a stream of tokens"
    await expect(answer.locator(".tool").first).to_contain_text("Searching the course material")
    citation = answer.locator(".citation a").first
    await expect(citation).to_have_attribute("href", re.compile(rf"#/courses/{course.id}/lessons/l1\?"))
    await expect(page).to_have_url(re.compile(r"#/chat/[0-9a-f]+$"))
    threads = page.get_by_role("navigation", name="Conversations").locator(".threads a")
    await expect(threads).to_have_count(1)
    await expect(threads).to_have_text("How do I repeat a block five times with a for loop?")
    await expect(answer.locator(".citations-box")).to_be_visible()

    # A question the course does not cover is declined, and lists no sources (nothing was cited).
    await page.get_by_label("Your message").fill("how do i declare an interface in java")
    await page.get_by_role("button", name="Send").click()
    declined = page.locator(".msg-assistant").nth(1)
    await expect(declined).to_have_attribute("aria-busy", "false", timeout=60_000)
    await expect(declined.locator(".answer-text")).to_contain_text("isn't covered")
    await expect(declined.locator(".citations-box")).to_be_hidden()

    # The citation opens the lesson with the cited passage shown and highlighted.
    await citation.click()
    await expect(page.get_by_role("heading", name="Loops", level=1)).to_be_visible()
    await expect(page.get_by_role("heading", name="Cited passage", exact=True)).to_be_visible()
    await expect(page.locator(".lesson .cited", has_text="range(5)")).to_be_visible()

    # Take the quiz: one right, one wrong; graded on the server, with explanations.
    quiz = page.get_by_role("form", name="Quiz: Loops")
    await quiz.get_by_role("group", name="1. What repeats?").get_by_label("for").check()
    await quiz.get_by_role("group", name="2. Index of first item?").get_by_label("1").check()
    await quiz.get_by_role("button", name="Submit answers").click()
    result = page.locator(".quiz-result")
    await expect(result.locator(".score")).to_have_text("You scored 50% (1 of 2 correct).")
    await expect(result).to_contain_text("Python counts from zero.")
    await expect(result.locator("li.wrong")).to_contain_text("Correct answer: 0")
    await page.get_by_role("button", name="Mark lesson as complete").click()
    await expect(page.locator("#main").get_by_text("✓ Completed · course progress 50%")).to_be_visible()

    # Progress: the course bar, the mastery chart with the quizzed skills, recommendations.
    await page.get_by_role("link", name="My progress").click()
    await expect(page.get_by_role("progressbar", name=f"Progress in {course.title}")).to_have_attribute(
        "aria-valuenow", "50"
    )
    chart = page.locator("table.mastery")
    # Skills read by their display names, never by their ids.
    await expect(chart.get_by_role("rowheader", name="Loops", exact=True)).to_be_visible()
    await expect(chart.get_by_role("rowheader", name="Lists", exact=True)).to_be_visible()
    await expect(chart).not_to_contain_text("python.")
    await expect(page.get_by_role("heading", name="Recommended for you")).to_be_visible()
    # Feedback on a recommendation goes to the recommender and is acknowledged.
    await page.get_by_role("button", name="useful").first.click()
    await expect(page.get_by_role("status").filter(has_text="Thanks: noted as useful.")).to_be_visible()
