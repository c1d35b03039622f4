"""Loading the sample catalogue and the demo accounts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tutor.container import Services
from tutor.errors import Conflict
from tutor.schemas.courses import CourseIn
from tutor.services.principal import Principal

SAMPLE_DIR = Path(__file__).parent / "sample_course"
DEMO_INSTRUCTOR = {"email": "instructor@example.com", "password": "demo-instructor-pass", "full_name": "Ada Byron"}
DEMO_STUDENT = {"email": "student@example.com", "password": "demo-student-pass", "full_name": "Sam Student"}


def load_catalog(sample_dir: Path = SAMPLE_DIR) -> list[dict[str, Any]]:
    """The sample courses with lesson content read from their Markdown files."""
    catalog = json.loads((sample_dir / "catalog.json").read_text())
    courses = []
    for course in catalog["courses"]:
        for module in course["modules"]:
            for lesson in module["lessons"]:
                content_file = lesson.pop("content_file", None)
                if content_file:
                    lesson["content"] = (sample_dir / content_file).read_text()
        courses.append(course)
    return courses


def material_files(sample_dir: Path = SAMPLE_DIR) -> list[tuple[str, str, str | None, Path]]:
    """(course_id, lesson_id, extra-title, path) of every sample file to ingest as course material."""
    catalog = json.loads((sample_dir / "catalog.json").read_text())
    out = []
    for course in catalog["courses"]:
        for module in course["modules"]:
            for lesson in module["lessons"]:
                if lesson.get("content_file"):
                    out.append((course["id"], lesson["id"], module["title"], sample_dir / lesson["content_file"]))
    transcript = sample_dir / "lessons" / "python-intro" / "welcome-video.vtt"
    if transcript.exists():
        first = catalog["courses"][0]
        out.append((first["id"], first["modules"][0]["lessons"][0]["id"], first["modules"][0]["title"], transcript))
    return out


async def ensure_user(
    services: Services, account: dict[str, str], role: str, profile: dict[str, Any] | None = None
) -> str:
    """Create the account unless it exists; return its id."""
    existing = await services.auth.users.by_email(account["email"])
    if existing is not None:
        return str(existing["_id"])
    user = await services.auth.create_user(
        email=account["email"],
        password=account["password"],
        full_name=account["full_name"],
        role=role,
        profile=profile,
    )
    return str(user["id"])


async def seed_demo(services: Services, sample_dir: Path = SAMPLE_DIR) -> dict[str, Any]:
    """Create the demo instructor, the demo student and the sample courses (idempotent)."""
    instructor_id = await ensure_user(services, DEMO_INSTRUCTOR, "instructor")
    await ensure_user(services, {**DEMO_STUDENT}, "student")
    instructor = Principal(instructor_id, "instructor")
    created = []
    for course in load_catalog(sample_dir):
        course_id = course.pop("id")
        existing = await services.courses.courses.get(course_id)
        if existing is not None:
            if course.get("skill_names") and not existing.get("skill_names"):
                # Courses seeded before skills had names get them, so students read "Strings", not ids.
                await services.courses.courses.set_fields(course_id, {"skill_names": course["skill_names"]})
            continue
        try:
            await services.courses.create(CourseIn.model_validate(course), instructor, course_id=course_id)
            created.append(course_id)
        except Conflict:
            continue
    return {"instructor_id": instructor_id, "created_courses": created}
