"""The catalogue cache against the real database: reads from memory, writes seen across processes.

Each "replica" below is what one API process builds: its own client, repository, cache and
services over the shared database. Database commands are counted with a pymongo command listener.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

from tests.conftest import sample_course_body
from tutor.errors import NotFound
from tutor.repositories.courses import CourseRepository
from tutor.repositories.enrollments import EnrollmentRepository
from tutor.repositories.progress import ProgressRepository
from tutor.schemas.courses import CourseIn, CourseQuery, CourseUpdate, ModuleUpdate
from tutor.services.catalogue_cache import CatalogueCache
from tutor.services.course_content import CourseContentService
from tutor.services.courses import CourseService
from tutor.services.enrollment import EnrollmentService
from tutor.services.principal import Principal
from tutor.settings import Settings

pytestmark = pytest.mark.asyncio


class Commands(CommandListener):
    """``(command, collection)`` of every command sent to the test database."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.sent: list[tuple[str, str]] = []

    def started(self, event: CommandStartedEvent) -> None:
        if event.database_name == self.database:
            self.sent.append((event.command_name, str(event.command.get(event.command_name))))

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def on(self, collection: str) -> list[str]:
        """Commands sent to ``collection``."""
        return [name for name, target in self.sent if target == collection]


@dataclass
class Clock:
    """A monotonic clock the test moves."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Replica:
    """One API process's view of the database."""

    commands: Commands
    clock: Clock
    repo: CourseRepository
    courses: CourseService
    content: CourseContentService
    enrollment: EnrollmentService
    clients: list[AsyncMongoClient[Any]] = field(default_factory=list)


@pytest.fixture
async def replica(settings: Settings) -> AsyncIterator[Callable[[float], Replica]]:
    made: list[Replica] = []

    def make(max_age_s: float) -> Replica:
        commands, clock = Commands(settings.mongodb_db), Clock()
        client: AsyncMongoClient[Any] = AsyncMongoClient(
            settings.mongodb_url, tz_aware=True, event_listeners=[commands]
        )
        db = client[settings.mongodb_db]
        repo, enrollments = CourseRepository(db["courses"]), EnrollmentRepository(db["enrollments"])
        catalog = CourseService(repo, enrollments, CatalogueCache(repo, max_age_s, clock=clock))
        enrollment = EnrollmentService(enrollments, repo, ProgressRepository(db["user_progress"]))
        made.append(Replica(commands, clock, repo, catalog, CourseContentService(repo, catalog), enrollment, [client]))
        return made[-1]

    yield make
    for one in made:
        for client in one.clients:
            await client.close()


def teacher() -> Principal:
    return Principal(f"t-{uuid.uuid4().hex[:10]}", "instructor")


def student() -> Principal:
    return Principal(f"s-{uuid.uuid4().hex[:10]}", "student")


async def new_course(where: Replica, owner: Principal, **fields: Any) -> tuple[str, str]:
    """Create a course in a category of its own; returns (course id, category)."""
    category = f"cat-{uuid.uuid4().hex[:8]}"
    made = await where.courses.create(CourseIn.model_validate(sample_course_body(category=category, **fields)), owner)
    return made["id"], category


async def listed(where: Replica, category: str) -> list[dict[str, Any]]:
    return list((await where.courses.list(CourseQuery(category=category)))["items"])


async def test_a_second_read_makes_no_database_round_trip(replica):
    app = replica(60)
    owner = teacher()
    cid, category = await new_course(app, owner)
    first = await listed(app, category)
    assert [c["id"] for c in first] == [cid]
    assert app.commands.on("courses"), "the first read checks and loads the catalogue"

    app.commands.sent.clear()
    assert await listed(app, category) == first
    assert (await app.courses.list(CourseQuery(q="loops", category=category)))["total"] == 1
    assert app.commands.sent == []  # served from memory: not one command

    outsider = student()
    await app.courses.get(cid, outsider)  # loads the whole course once
    app.commands.sent.clear()
    page = await app.courses.get(cid, outsider)
    assert page["title"] == first[0]["title"]
    assert app.commands.on("courses") == []
    assert app.commands.on("enrollments") == ["find"]  # whether *this* caller is enrolled is never cached


async def test_a_write_through_the_same_process_is_seen_at_once(replica):
    app = replica(3600)  # the clock never moves: only this process's writes can refresh it
    owner = teacher()
    cid, category = await new_course(app, owner)
    assert [c["title"] for c in await listed(app, category)] != ["Renamed"]
    await app.courses.get(cid, owner)

    await app.courses.update(cid, CourseUpdate(title="Renamed"), owner)
    assert [c["title"] for c in await listed(app, category)] == ["Renamed"]
    await app.content.update_module(cid, "m1", ModuleUpdate(title="Fundamentals"), owner)
    assert (await app.courses.get(cid, owner))["modules"][0]["title"] == "Fundamentals"

    await app.enrollment.enroll(student(), cid)
    assert [c["enrollments"] for c in await listed(app, category)] == [1]

    await app.repo.set_fields(cid, {"status": "removing"})  # what a removal request does first
    assert await listed(app, category) == []
    with pytest.raises(NotFound):
        await app.courses.get(cid, owner)


async def test_a_write_through_another_replica_is_seen_within_the_bound(replica):
    a, b = replica(5), replica(5)
    owner = teacher()
    cid, category = await new_course(b, owner)
    assert [c["id"] for c in await listed(a, category)] == [cid]
    original = (await a.courses.get(cid, owner))["title"]

    await b.courses.update(cid, CourseUpdate(title="Renamed on b"), owner)
    await b.enrollment.enroll(student(), cid)
    # Within the bound a may still answer from memory...
    assert [c["title"] for c in await listed(a, category)] in (["Renamed on b"], [original])
    a.clock.now += 5.01
    # ...and past it, it has checked the versions again.
    assert [(c["title"], c["enrollments"]) for c in await listed(a, category)] == [("Renamed on b", 1)]
    assert (await a.courses.get(cid, owner))["title"] == "Renamed on b"

    await b.repo.set_fields(cid, {"status": "removing"})
    a.clock.now += 5.01
    assert await listed(a, category) == []
    with pytest.raises(NotFound):
        await a.courses.get(cid, owner)


async def test_with_max_age_zero_another_replicas_write_is_seen_at_once(replica):
    a, b = replica(0), replica(0)
    owner = teacher()
    cid, category = await new_course(b, owner)
    assert [c["id"] for c in await listed(a, category)] == [cid]
    await a.courses.get(cid, owner)
    await b.courses.update(cid, CourseUpdate(title="Seen at once"), owner)
    assert [c["title"] for c in await listed(a, category)] == ["Seen at once"]
    assert (await a.courses.get(cid, owner))["title"] == "Seen at once"
    made_on_b, other = await new_course(b, owner)
    assert [c["id"] for c in await listed(a, other)] == [made_on_b]


async def test_each_caller_sees_their_own_view_of_one_cached_course(replica):
    app = replica(3600)
    owner, outsider, enrolled = teacher(), student(), student()
    cid, _ = await new_course(app, owner)
    await app.enrollment.enroll(enrolled, cid)

    def lesson(view: dict[str, Any]) -> dict[str, Any]:
        return dict(view["modules"][0]["lessons"][0])

    for _ in range(2):  # the second round is served from the cache
        seen_outside = lesson(await app.courses.get(cid, outsider))
        seen_enrolled = lesson(await app.courses.get(cid, enrolled))
        seen_owner = lesson(await app.courses.get(cid, owner))
        assert seen_outside["content"] is None
        assert seen_enrolled["content"] == "A for loop repeats."
        assert "answer" not in seen_outside["quiz"]["questions"][0]
        assert "answer" not in seen_enrolled["quiz"]["questions"][0]
        assert seen_owner["quiz"]["questions"][0]["answer"] == 1


async def test_a_built_page_is_kept_until_the_catalogue_changes_and_callers_get_their_own_copy(replica):
    app = replica(3600)
    owner = teacher()
    cid, category = await new_course(app, owner)
    first = await listed(app, category)
    first[0]["title"] = "scribbled on by a caller"
    assert [c["title"] for c in await listed(app, category)] != ["scribbled on by a caller"]

    generation = app.courses.cache.generation
    await listed(app, category)
    assert app.courses.cache.generation == generation  # nothing changed: the page is the one built before

    body = CourseIn.model_validate(sample_course_body(category=category))  # a new course in the same category
    second = (await app.courses.create(body, owner))["id"]
    assert sorted(c["id"] for c in await listed(app, category)) == sorted([cid, second])
    assert app.courses.cache.generation > generation
