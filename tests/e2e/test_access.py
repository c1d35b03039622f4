"""A student cannot reach instructor pages or another user's data, in the browser or through its token."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.ui import access_token, sign_in

pytestmark = pytest.mark.asyncio


async def test_student_is_kept_out_of_instructor_pages_and_data(page: Page, factory, client) -> None:
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    other = await factory.student()
    await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=other["headers"])
    student = await factory.student()
    await sign_in(page, student["email"], student["password"])

    await expect(page.get_by_role("link", name="Teach")).to_have_count(0)
    for path in ("/#/teach", f"/#/teach/{course['id']}"):
        await page.goto(path)
        await expect(page.get_by_role("heading", name="Instructors only")).to_be_visible()
        await expect(page.get_by_role("alert")).to_contain_text("This page is for instructors")
        await expect(page.locator("input[type=file]")).to_have_count(0)

    # The course page offers no management link, and the API refuses the student's token.
    await page.goto(f"/#/courses/{course['id']}")
    await expect(page.get_by_role("button", name="Enroll in this course")).to_be_visible()
    await expect(page.get_by_role("link", name="Manage this course")).to_have_count(0)
    headers = {"Authorization": f"Bearer {await access_token(page)}"}
    materials = await page.request.get(f"/api/courses/{course['id']}/materials/", headers=headers)
    assert materials.status == 403
    other_recs = await page.request.get(f"/api/ai/recommendations/{other['id']}/", headers=headers)
    assert other_recs.status == 404
    upload = await page.request.post(
        f"/api/courses/{course['id']}/materials/",
        headers=headers,
        multipart={"file": {"name": "x.md", "mimeType": "text/markdown", "buffer": b"# hi\n\ntext"}},
    )
    assert upload.status == 403
    detail = (await (await page.request.get(f"/api/courses/{course['id']}/", headers=headers)).json())
    answers = [q for m in detail["modules"] for lesson in m["lessons"] if lesson["quiz"] for q in lesson["quiz"]["questions"]]
    assert answers and all("answer" not in q and "explanation" not in q for q in answers)


async def test_signed_out_visitor_is_sent_to_sign_in_and_back(page: Page, factory) -> None:
    student = await factory.student()
    await page.goto("/#/progress")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.get_by_label("Email").fill(student["email"])
    await page.get_by_label("Password").fill(student["password"])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.goto("/#/courses")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def test_expired_access_token_is_refreshed_once_and_the_page_works(page: Page, page_log, factory) -> None:
    student = await factory.student()
    await sign_in(page, student["email"], student["password"])
    # Spoil the access token only; the refresh token stays valid.
    await page.evaluate(
        "() => { const s = JSON.parse(sessionStorage.getItem('tutor.session'));"
        " s.access_token = s.access_token.slice(0, -4) + 'AAAA';"
        " sessionStorage.setItem('tutor.session', JSON.stringify(s)); }"
    )
    page_log.allowed.append("/api/auth/me/")  # the one deliberate 401 before the refresh
    await page.reload()
    await expect(page.get_by_role("heading", name="Course catalogue")).to_be_visible()
    token = await access_token(page)
    me = await page.request.get("/api/auth/me/", headers={"Authorization": f"Bearer {token}"})
    assert me.status == 200
    assert (await me.json())["email"] == student["email"]
