"""An LMS course page frames the tutor: the launch signs the student in and opens the linked lesson."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from playwright.async_api import Page, expect

from tests.fakes.lti_platform import FakePlatform, served_platform
from tutor.schemas.courses import CourseIn
from tutor.services.principal import Principal

pytestmark = pytest.mark.asyncio


@pytest.fixture
def lms(settings, api_server: str) -> Iterator[FakePlatform]:
    with served_platform("lms-e2e-", f"{settings.base_url}/lti/launch/", tool_url=api_server) as fake:
        fake.tool_jwks_url = f"{api_server}/lti/jwks/"
        yield fake


async def register(services, lms: FakePlatform) -> None:
    await services.lti_platforms.add(
        issuer=lms.issuer, client_id=lms.client_id, deployment_id=lms.deployment_id,
        auth_login_url=f"{lms.url}/auth", auth_token_url=f"{lms.url}/token", jwks_url=f"{lms.url}/jwks",
    )  # fmt: skip


async def test_a_student_opens_the_tutor_inside_the_lms(page: Page, factory, services, lms: FakePlatform) -> None:
    await register(services, lms)
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    lms.custom = {"tutor_course_id": course["id"], "tutor_lesson_id": "l1"}

    await page.goto(f"{lms.url}/course?hint=u-ada")
    tool = page.frame_locator("iframe[title=Tutor]")
    # Signed in as the LMS user, enrolled, on the linked lesson: no login form anywhere.
    await expect(tool.get_by_role("heading", name="Loops")).to_be_visible()
    await expect(tool.get_by_text("Ada Learner (student)")).to_be_visible()
    await expect(tool.get_by_label("Password")).to_have_count(0)


async def test_an_instructor_adds_a_lesson_to_the_lms_by_deep_linking(page: Page, services, lms: FakePlatform) -> None:
    await register(services, lms)
    await page.goto(f"{lms.url}/course?hint=u-tom&message=deep-link")
    tool = page.frame_locator("iframe[title=Tutor]")
    await expect(tool.get_by_role("heading", name="Add the tutor to your LMS course")).to_be_visible()
    # A new LMS instructor teaches nothing here yet, and is told what to do.
    await expect(tool.get_by_text("You teach no course here yet")).to_be_visible()
    teacher = await services.records.users.by_email("lms-e2e-tom@lms.example")
    body = {
        "title": "Framed course",
        "description": "d",
        "category": "programming",
        "price": 0,
        "modules": [
            {"id": "m1", "title": "Basics", "lessons": [{"id": "l1", "title": "Loops", "content": "A loop repeats."}]}
        ],
    }
    await services.courses.create(CourseIn.model_validate(body), Principal(teacher["_id"], "instructor"))
    # Made outside the API process: its catalogue sees the new course within TUTOR_CATALOGUE_CACHE_S.
    await asyncio.sleep(services.settings.catalogue_cache_s + 0.2)
    await page.goto(f"{lms.url}/course?hint=u-tom&message=deep-link")
    tool = page.frame_locator("iframe[title=Tutor]")
    await tool.get_by_label("Lesson: Loops").check()
    await tool.get_by_role("button", name="Add to the LMS").click()
    await expect(tool.get_by_role("heading", name="Content added")).to_be_visible()
    assert len(lms.deep_link_responses) == 1 and lms.deep_link_responses[0].count(".") == 2
