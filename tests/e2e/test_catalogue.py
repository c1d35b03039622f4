"""The catalogue's filters, sorting and pagination drive the API and live in the address (shareable)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect

from tests.e2e.ui import sign_in

pytestmark = pytest.mark.asyncio


async def test_filters_sort_and_pages(page: Page, factory) -> None:
    teacher = await factory.instructor()
    tag = f"tag{uuid.uuid4().hex[:6]}"
    for title, level, price in [("Alpha cheap", "beginner", 5), ("Beta cheap", "beginner", 8),
                                ("Gamma pricey", "beginner", 80), ("Delta advanced", "advanced", 5)]:
        await factory.course(teacher, title=f"{title} {tag}", difficulty_level=level, price=price, tags=[tag, "python"])
    student = await factory.student()
    await sign_in(page, student["email"], student["password"])

    await page.get_by_label("Tags (all must match)").fill(f"{tag}, python")
    await page.get_by_label("Difficulty").select_option("beginner")
    await page.get_by_label("Max price ($)").fill("10")
    await page.get_by_label("Sort by").select_option("title")
    await page.get_by_label("Order").select_option("asc")
    await page.get_by_label("Per page").select_option("10")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(page.get_by_role("heading", name="2 courses found")).to_be_visible()
    titles = page.locator(".course-card h2")
    await expect(titles).to_have_text([f"Alpha cheap {tag}", f"Beta cheap {tag}"])
    await expect(page).to_have_url(re.compile(r"difficulty_level=beginner.*max_price=10"))

    # Reloading the address gives the same results; page_size=1 paginates.
    await page.goto(f"/#/courses?tags={tag}&sort=title&order=desc&page_size=1")
    await expect(page.get_by_role("heading", name="4 courses found")).to_be_visible()
    await expect(titles).to_have_text([f"Gamma pricey {tag}"])
    await page.get_by_role("link", name="Next →").click()
    await expect(page.get_by_text("Page 2 of 4")).to_be_visible()
    await expect(titles).to_have_text([f"Delta advanced {tag}"])
