"""Screenshots of the main pages at desktop and phone sizes, for the README.

Usage::

    python -m tests.e2e.screenshots                       # starts `tutor serve --seed` in a temp dir
    python -m tests.e2e.screenshots --url http://127.0.0.1:8000 --out docs/screenshots

Against a running server it signs in with the demo accounts of ``make run`` and registers one new
student (each run), so it leaves a user, an enrollment, a quiz attempt and a chat thread behind.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from tests.e2e.browser import DESKTOP, PHONE, PageLog, chromium_missing_reason, launch

SIZES = {"desktop": DESKTOP, "phone": PHONE}
DEMO_INSTRUCTOR = ("instructor@example.com", "demo-instructor-pass")
COURSE = "python-intro"
QUESTION = "How do I build a list of squares?"
UPLOAD = b"""# Comprehensions in practice

A list comprehension builds a new list in one expression: [n * n for n in range(5)] gives the squares 0 to 16.
Add a condition to keep only some items: [w for w in words if len(w) > 3].
"""


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    """`tutor serve --seed` on a free port with a throw-away data directory (as `make run` does)."""
    from app.embedded.process import free_port

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="tutor-shots-") as var:
        env = {**os.environ, "TUTOR_VAR_DIR": var, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
        log = Path(var) / "serve.log"
        with log.open("w") as out:
            tutor = Path(sys.executable).with_name("tutor")
            proc = subprocess.Popen([str(tutor), "serve", "--seed", "--port", str(port)], env=env, stdout=out, stderr=out)
            url = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 600
                while True:
                    if proc.poll() is not None:
                        raise RuntimeError(f"tutor serve exited:\n{log.read_text()[-3000:]}")
                    with contextlib.suppress(httpx.HTTPError):
                        if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                            break
                    if time.monotonic() > deadline:
                        raise RuntimeError("tutor serve did not start")
                    time.sleep(1)
                yield url
            finally:
                # Ctrl-C, as a user stops `make run`: `tutor serve` then stops the services it started
                # (after SIGTERM uvicorn re-raises the signal and the embedded servers outlive it).
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()


def prepare(url: str) -> dict[str, str]:
    """A new student enrolled in the sample course, with one quiz taken (so progress has something to show)."""
    with httpx.Client(base_url=url, timeout=60) as http:
        email = f"maya-{uuid.uuid4().hex[:8]}@example.com"
        password = "a long password"
        body = {"email": email, "password": password, "full_name": "Maya Lopez", "career_goals": ["data analyst"]}
        http.post("/api/auth/register/", json=body).raise_for_status()
        login = http.post("/api/auth/login/", json={"email": email, "password": password})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        http.post("/api/courses/enroll/", json={"course_id": COURSE}, headers=headers).raise_for_status()
        course = http.get(f"/api/courses/{COURSE}/", headers=headers).json()
        lessons = [lesson for m in course["modules"] for lesson in m["lessons"] if lesson.get("quiz")]
        for index, lesson in enumerate(lessons[:3]):
            # Mostly wrong on the first lessons so weak areas appear; the first one is also completed.
            answers = {q["id"]: (0 if index else 1) for q in lesson["quiz"]["questions"]}
            update = {"course_id": COURSE, "lesson_id": lesson["id"], "quiz_answers": answers}
            if index == 0:
                update.update(completed=True, time_spent=900)
            http.post("/api/progress/update/", json=update, headers=headers).raise_for_status()
        return {"email": email, "password": password, "lesson": lessons[3]["id"] if len(lessons) > 3 else lessons[0]["id"]}


async def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form."""
    await page.goto("/#/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Course catalogue")).to_be_visible()


async def shoot(page: Page, out: Path, name: str, size: str) -> None:
    """Save the viewport as ``name-size.png``."""
    await page.wait_for_timeout(250)  # let fonts and layout settle
    path = out / f"{name}-{size}.png"
    await page.screenshot(path=str(path))
    print(path)


async def student_pages(context: BrowserContext, out: Path, size: str, student: dict[str, str]) -> None:
    page = await context.new_page()
    log = PageLog()
    log.attach(page)
    await sign_in(page, student["email"], student["password"])
    await expect(page.locator(".course-card").first).to_be_visible()
    await shoot(page, out, "catalogue", size)
    await page.goto(f"/#/courses/{COURSE}")
    await expect(page.locator(".modules")).to_be_visible()
    await shoot(page, out, "course", size)
    await page.goto(f"/#/courses/{COURSE}/lessons/{student['lesson']}")
    quiz = page.locator("form.quiz")
    await expect(quiz).to_be_visible()
    for group in await quiz.locator("fieldset").all():
        await group.locator("input[type=radio]").nth(1).check()
    await quiz.get_by_role("button", name="Submit answers").click()
    await expect(page.locator(".quiz-result .score")).to_be_visible()
    await page.locator(".quiz-result").scroll_into_view_if_needed()
    await shoot(page, out, "quiz-result", size)
    await page.goto("/#/chat")
    await page.get_by_label("Course").select_option(COURSE)
    await page.get_by_label("Your message").fill(QUESTION)
    await page.get_by_role("button", name="Send").click()
    answer = page.locator(".msg-assistant").last
    await expect(answer).to_have_attribute("aria-busy", "false", timeout=120_000)
    # Show the question and the start of the answer (the log scrolls inside itself on desktop).
    if size == "phone":
        await page.locator(".msg-user").last.evaluate("(el) => el.scrollIntoView({ block: 'start' })")
    else:
        await page.locator(".chat-log").evaluate("(el) => { el.scrollTop = 0; }")
        await page.evaluate("window.scrollTo(0, 0)")
    await shoot(page, out, "chat", size)
    await answer.locator(".citation a[href*='/lessons/']").first.click()
    await expect(page.locator(".cited-box")).to_be_visible()
    await page.wait_for_timeout(300)
    await shoot(page, out, "cited-lesson", size)
    await page.goto("/#/progress")
    await expect(page.get_by_role("heading", name="Recommended for you")).to_be_visible()
    await shoot(page, out, "progress", size)
    await page.get_by_role("heading", name="Weak areas").evaluate("(el) => el.scrollIntoView({ block: 'start' })")
    await shoot(page, out, "progress-weak-areas", size)
    log.assert_clean()


async def instructor_pages(context: BrowserContext, out: Path, size: str, tmp: Path) -> None:
    page = await context.new_page()
    log = PageLog()
    log.attach(page)
    await sign_in(page, *DEMO_INSTRUCTOR)
    await page.goto(f"/#/teach/{COURSE}")
    await expect(page.get_by_role("heading", name="Course material")).to_be_visible()
    good = tmp / f"comprehensions-{size}.md"
    good.write_bytes(UPLOAD)
    broken = tmp / f"scan-{size}.pdf"
    broken.write_bytes(b"%PDF-1.4\n garbage that is not a pdf")
    await page.get_by_label("Attach uploads to").select_option("l-lists")
    await page.locator(".dropzone input[type=file]").set_input_files([str(good), str(broken)])
    rows = page.locator(".upload-row.done")
    await expect(rows).to_have_count(2, timeout=180_000)
    await page.get_by_role("heading", name="Course material").scroll_into_view_if_needed()
    await shoot(page, out, "instructor-upload", size)
    log.assert_clean()


async def run(url: str, out: Path) -> None:
    student = prepare(url)
    async with async_playwright() as playwright:
        browser: Browser = await launch(playwright)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                for size, viewport in SIZES.items():
                    context = await browser.new_context(
                        viewport=viewport,  # type: ignore[arg-type]
                        base_url=url,
                        device_scale_factor=1,
                        is_mobile=size == "phone",
                        has_touch=size == "phone",
                    )
                    context.set_default_timeout(30_000)
                    await student_pages(context, out, size, student)
                    await instructor_pages(context, out, size, Path(tmp))
                    await context.close()
        finally:
            await browser.close()


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m tests.e2e.screenshots``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", help="a running service (default: start one with `tutor serve --seed`)")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    reason = chromium_missing_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    if args.url:
        asyncio.run(run(args.url.rstrip("/"), args.out))
    else:
        with local_server() as url:
            asyncio.run(run(url, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
