"""Browser fixtures: one Chromium for the session, a fresh context and page per test, console checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.e2e.browser import DESKTOP, PageLog, chromium_missing_reason, launch
from tests.e2e.data import CourseWithMaterial, arrange_course_with_material

_SKIP = chromium_missing_reason()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every browser test, with the reason, when Debian's Chromium is not installed."""
    if _SKIP is None:
        return
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.skip(reason=_SKIP))


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole session."""
    async with async_playwright() as playwright:
        chromium = await launch(playwright)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def page_log() -> PageLog:
    """What the test's page logged; checked for errors after the test."""
    return PageLog()


@pytest.fixture
async def page(browser: Browser, api_server: str, page_log: PageLog) -> AsyncIterator[Page]:
    """A page in a fresh context (own sessionStorage) at desktop size; fails the test on console errors."""
    context = await browser.new_context(viewport=DESKTOP, base_url=api_server)  # type: ignore[arg-type]
    context.set_default_timeout(30_000)
    tab = await context.new_page()
    page_log.attach(tab)
    try:
        yield tab
    finally:
        await context.close()
    page_log.assert_clean()


@pytest.fixture
async def course_with_material(client: httpx.AsyncClient, factory: Any, worker: Any) -> CourseWithMaterial:
    """An instructor's course whose lesson ``l1`` has ingested material (needs the real worker)."""
    return await arrange_course_with_material(client, factory)
