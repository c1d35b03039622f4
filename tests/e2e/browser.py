"""Launching Debian's Chromium under Playwright, and recording what the page logs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, ConsoleMessage, Error, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests"
    return None


async def launch(playwright: Playwright) -> Browser:
    """Start headless Chromium with the flags the CI uses (never Playwright's own browser download)."""
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@dataclass
class PageLog:
    """Console messages and uncaught errors of one page.

    ``allowed`` holds substrings of console lines (message and URL) that a test expects, e.g. the failed load
    of a deliberately refused upload; every other console error fails the test.
    """

    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        """Start recording ``page``."""
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def _console(self, message: ConsoleMessage) -> None:
        url = str(message.location.get("url", "")) if message.location else ""
        text = f"{message.type}: {message.text} ({url})"
        self.messages.append(text)
        if message.type == "error" and not any(part in text for part in self.allowed):
            self.errors.append(text)

    def _page_error(self, error: Error | Any) -> None:
        self.errors.append(f"uncaught: {error}")

    def assert_clean(self) -> None:
        """Fail when the page logged a console error or threw."""
        assert not self.errors, "browser console errors:\n" + "\n".join(self.errors)
