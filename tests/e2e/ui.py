"""Small page actions shared by the browser tests."""

from __future__ import annotations

from playwright.async_api import Page, expect


async def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the login form and wait for the catalogue."""
    await page.goto("/#/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Course catalogue")).to_be_visible()


async def access_token(page: Page) -> str:
    """The access token the app keeps for this tab."""
    token = await page.evaluate("JSON.parse(sessionStorage.getItem('tutor.session')).access_token")
    return str(token)
