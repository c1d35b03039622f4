"""An instructor in a real browser: create a course, add a module and lesson, upload files and watch them ingest."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.ui import sign_in

pytestmark = pytest.mark.asyncio

GOOD_MD = b"# Recursion\n\nA recursive function calls itself on a smaller input until it reaches a base case.\n"
# A PDF header over garbage: accepted, then fails alone in the ingestion job with a clear error.
BROKEN_PDF = b"%PDF-1.4\n garbage that is not a pdf"


async def test_instructor_creates_course_and_uploads_material(
    page: Page, page_log, factory, worker, tmp_path: Path
) -> None:
    teacher = await factory.instructor()
    await sign_in(page, teacher["email"], teacher["password"])
    await page.get_by_role("link", name="Teach").click()
    title = f"Recursion {uuid.uuid4().hex[:6]}"
    await page.get_by_label("Title").fill(title)
    await page.get_by_label("Category").fill("programming")
    await page.get_by_label("Difficulty").select_option("intermediate")
    await page.get_by_label("Price ($)").fill("12.5")
    await page.get_by_label("Tags").fill("python, recursion")
    await page.get_by_label("Description (Markdown)").fill("Functions that **call themselves**.")
    await page.get_by_role("button", name="Create course").click()
    await expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()

    # A module and a lesson.
    await page.get_by_label("Module title").fill("Foundations")
    await page.get_by_role("button", name="Add module").click()
    await page.get_by_label("Lesson title").fill("Base cases")
    await page.get_by_label("Content (Markdown)").fill("# Base cases\n\nEvery recursion needs one.")
    await page.get_by_role("button", name="Add lesson").click()
    await expect(page.get_by_role("link", name="Base cases")).to_be_visible()

    # Several files through the drop zone's file input: one ingests, one fails alone with its error.
    good = tmp_path / "recursion.md"
    good.write_bytes(GOOD_MD)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(BROKEN_PDF)
    refused = tmp_path / "setup.exe"
    refused.write_bytes(b"MZ not course material")
    page_log.allowed.append("status of 415")  # the refused .exe, shown on its own row
    await page.get_by_label("Attach uploads to").select_option(label="Foundations › Base cases")
    await page.locator(".dropzone input[type=file]").set_input_files([str(good), str(broken), str(refused)])
    uploads = page.get_by_role("list", name="Uploads")
    good_row = uploads.locator("li[data-file='recursion.md']")
    broken_row = uploads.locator("li[data-file='broken.pdf']")
    await expect(good_row).to_have_attribute("data-status", "indexed", timeout=120_000)
    await expect(good_row).to_contain_text("Indexed · 1 passage(s)")
    await expect(broken_row).to_have_attribute("data-status", "failed", timeout=120_000)
    await expect(broken_row).to_contain_text("Failed:")
    await expect(broken_row).to_contain_text("corrupt_file")
    refused_row = uploads.locator("li[data-file='setup.exe']")
    await expect(refused_row).to_have_attribute("data-status", "failed")
    await expect(refused_row).to_contain_text("Refused:")

    # The materials list shows both; deleting one removes it.
    table = page.locator("table.materials")
    await expect(table.get_by_role("row", name="recursion.md")).to_contain_text("Indexed")
    page.once("dialog", lambda dialog: dialog.accept())
    await table.get_by_role("button", name="Delete broken.pdf").click()
    await expect(table.get_by_role("row", name="broken.pdf")).to_have_count(0)
    await expect(table.get_by_role("row", name="recursion.md")).to_have_count(1)
    # No class-view endpoint yet on this server: a note instead of an error.
    await expect(page.get_by_role("heading", name="Weak skills across the class")).to_be_visible()
