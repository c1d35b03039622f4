"""A chat turn's database round trips: what each turn must read and write, and nothing it need not.

Every command the API sends to the test database is recorded (a PyMongo command listener on the
app's own client), so these tests see the turn as the database does. Round trips are most of a
turn's server CPU (the MongoDB client's and the server's), paid again by every concurrent chat.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

import tutor.db
from agents.adapters import ProgressAdapter
from recommender.cold_start import cold_start
from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.servers import serve
from tutor.container import Services
from tutor.repositories.courses import OUTLINE, CourseRepository
from tutor.services.principal import Principal

pytestmark = pytest.mark.asyncio


class Commands(CommandListener):
    """``(command, collection, command document)`` of every command sent to one database."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def started(self, event: CommandStartedEvent) -> None:
        if event.database_name == self.database:
            with self._lock:
                self.sent.append((event.command_name, str(event.command.get(event.command_name)), dict(event.command)))

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass

    def on(self, collection: str) -> list[str]:
        """Command names sent to ``collection``, in order."""
        return [name for name, target, _ in self.sent if target == collection]


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedOpenAIServer]:
    with ScriptedOpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def watched(settings, scripted) -> Iterator[tuple[str, Commands]]:
    """The API (LLM: the scripted server) whose MongoDB client reports every command."""
    from app.asgi import create_app

    commands = Commands(settings.mongodb_db)
    llm = settings.model_copy(  # a session check stays fresh for the whole module (see the last test)
        update={"openai_base_url": scripted.base_url, "openai_api_key": "k", "llm_model": scripted.model,
                "auth_cache_s": 600.0}
    )
    with pytest.MonkeyPatch.context() as patch:
        # The app builds its client in its lifespan, which runs while the server starts.
        patch.setattr(tutor.db, "AsyncMongoClient", partial(AsyncMongoClient, event_listeners=[commands]))
        server = serve(create_app(llm))
        url = server.__enter__().url
    try:
        yield url, commands
    finally:
        server.__exit__(None, None, None)


async def _turn(url: str, headers: dict[str, str], body: dict[str, Any]) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.post("/api/chat/stream/", json=body, headers=headers)  # read to the end
    assert response.status_code == 200, response.text
    done = response.text.split("event: done", 1)[1].split("data: ", 1)[1].split("\r\n", 1)[0]
    return str(json.loads(done)["thread_id"])


async def test_a_turn_writes_its_thread_once_per_message_and_never_rereads_it(watched, scripted, factory):
    url, commands = watched
    student = await factory.student()
    scripted.replies.clear()
    scripted.reply_text("A loop repeats a block of code.")
    commands.sent.clear()
    thread_id = await _turn(url, student["headers"], {"message": "What is a loop?"})
    # A new thread is inserted with the question already in it; the answer is one update.
    assert commands.on("chat_threads") == ["insert", "update"]

    scripted.reply_text("A list holds items in order.")
    commands.sent.clear()
    await _turn(url, student["headers"], {"message": "And a list?", "thread_id": thread_id})
    # The thread is read once (its history); a thread under its cap needs no read to find that out.
    assert commands.on("chat_threads") == ["find", "update", "update"]

    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        thread = (await http.get(f"/api/chat/threads/{thread_id}/", headers=student["headers"])).json()
    assert [m["content"] for m in thread["messages"]] == [
        "What is a loop?", "A loop repeats a block of code.", "And a list?", "A list holds items in order."
    ]  # fmt: skip
    assert thread["message_count"] == 4


async def test_a_turn_reads_the_account_once_and_skips_reads_that_cannot_match(watched, scripted, factory):
    url, commands = watched
    student = await factory.student(full_name="Ada Lovelace")
    scripted.replies.clear()
    scripted.reply_text("Hello Ada.")
    commands.sent.clear()
    await _turn(url, student["headers"], {"message": "Hello"})

    # The session check's read brings the name the system prompt uses.
    assert "Ada Lovelace" in str(scripted.requests[-1]["body"]["messages"][0])
    account_reads = [doc for name, target, doc in commands.sent if (name, target) == ("find", "users")]
    session_checks = [doc for doc in account_reads if "session_version" in (doc.get("projection") or {})]
    assert len(session_checks) == 1
    # A whole-account read is left only where the learner model's cold start needs the profile.
    assert len(account_reads) - len(session_checks) <= 1
    # The learner summary's progress and weakest skills come from one read of the progress records
    # (no separate read of their weak areas; a second find here is the learner model's cold start).
    progress_reads = [doc for name, target, doc in commands.sent if (name, target) == ("find", "user_progress")]
    assert not [doc for doc in progress_reads if "weak_areas" in (doc.get("projection") or {})]
    # A student in no course: no query for courses among none.
    empty = [
        doc
        for _, target, doc in commands.sent
        if target == "courses" and doc.get("filter", {}).get("_id") == {"$in": []}
    ]
    assert empty == []


async def test_course_reads_for_no_ids_send_nothing(settings):
    commands = Commands(settings.mongodb_db)
    client: AsyncMongoClient[Any] = AsyncMongoClient(settings.mongodb_url, tz_aware=True, event_listeners=[commands])
    try:
        courses = CourseRepository(client[settings.mongodb_db]["courses"])
        assert await courses.outlines([]) == []
        assert await courses.live_outlines([]) == []
        assert commands.sent == []
        await courses.live_outlines(["no-such-course"])
        assert commands.on("courses") == ["find"]
    finally:
        await client.close()


async def test_the_session_check_brings_the_callers_name(services, factory):
    student = await factory.student(full_name="Grace Hopper")
    claims, principal = await services.sessions.authenticate_principal(student["tokens"]["access_token"])
    assert principal == Principal(student["id"], "student")
    assert (principal.email, principal.full_name) == (student["email"], "Grace Hopper")
    assert claims.user_id == student["id"]


async def test_an_enrolled_students_progress_is_named_from_one_read(settings, factory, client):
    teacher, student = await factory.instructor(), await factory.student()
    course = await factory.course(teacher, price=0)
    res = await client.post("/api/courses/enroll/", json={"course_id": course["id"]}, headers=student["headers"])
    assert res.status_code == 201, res.text
    commands = Commands(settings.mongodb_db)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tutor.db, "AsyncMongoClient", partial(AsyncMongoClient, event_listeners=[commands]))
        mongo = tutor.db.Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        progress = ProgressAdapter(Services.build(mongo, settings), Principal(student["id"], "student"))
        records = await progress.get_progress(student["id"], None)
        assert [r["course_title"] for r in records] == [course["title"]]
        # One read of the courses says which are live and names them, for the views and the records.
        assert commands.on("courses") == ["find"]
        commands.sent.clear()
        records = await progress.get_progress(student["id"], course["id"])
        assert [r["course_title"] for r in records] == [course["title"]]
        outlines = [doc for _, target, doc in commands.sent if target == "courses" and doc.get("projection") == OUTLINE]
        assert len(outlines) == 1
    finally:
        await mongo.close()


async def test_read_only_requests_reuse_the_session_check_and_writes_always_check_afresh(watched, factory):
    url, commands = watched
    student = await factory.student(full_name="Grace Hopper")

    def session_checks() -> int:
        reads = [doc for name, target, doc in commands.sent if (name, target) == ("find", "users")]
        return len([doc for doc in reads if "session_version" in (doc.get("projection") or {})])

    async with httpx.AsyncClient(base_url=url, timeout=30, headers=student["headers"]) as http:
        commands.sent.clear()
        for _ in range(3):
            assert (await http.get("/api/courses/")).status_code == 200
        assert session_checks() == 1
        # A request that writes reads the account afresh: a revoked token never writes through the cache.
        renamed = await http.patch("/api/auth/me/", json={"full_name": "Grace B. Hopper"})
        assert renamed.status_code == 200, renamed.text
        assert session_checks() == 2
        # The rename went through this process, so the next read-only request checks again.
        assert (await http.get("/api/courses/")).status_code == 200
        assert session_checks() == 3
        body = {"current_password": student["password"], "new_password": "another long passphrase"}
        assert (await http.post("/api/auth/password/", json=body)).status_code == 204
        assert (await http.get("/api/courses/")).status_code == 401  # refused at once, not a second later


async def test_a_quiz_submission_reads_progress_with_its_upsert_and_skips_an_unchanged_percentage(watched, factory):
    url, commands = watched
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    student = await factory.student()
    body = {"course_id": cid, "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 1}}
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=student["headers"]) as http:
        assert (await http.post("/api/courses/enroll/", json={"course_id": cid})).status_code == 201
        first = await http.post("/api/progress/update/", json={**body, "completed": True})
        assert first.status_code == 200 and first.json()["progress_percentage"] == 50.0
        commands.sent.clear()
        again = await http.post("/api/progress/update/", json=body)
    assert again.status_code == 200 and again.json()["quiz_scores"][0]["attempts"] == 2
    # The upsert that makes sure a progress record exists returns it (no separate read), the grading
    # is one atomic update, and a percentage that did not move is not written again.
    assert commands.on("user_progress") == ["findAndModify", "findAndModify"]
    assert commands.on("quiz_attempts") == ["insert"]


async def test_a_students_learner_data_is_read_again_only_after_it_changed(watched, scripted, factory, services):
    url, commands = watched
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    student = await factory.student()
    learner_reads = {"user_progress", "enrollments", "ai_recommendations"}

    def reads() -> set[str]:
        return {target for name, target, _ in commands.sent if name == "find" and target in learner_reads}

    def system_prompt() -> str:
        return str(scripted.requests[-1]["body"]["messages"][0])

    async def store_model() -> None:
        """Store a learner model as the worker does (a stored one means no refresh is queued by the turns)."""
        records = services.records
        user = await records.users.get(student["id"])
        courses = await records.courses.live_outlines()
        progress = await records.progress.of_user(student["id"])
        await records.recommendations.store(student["id"], {"user_id": student["id"], **cold_start(
            user, courses, [cid], progress
        ), "pending": False})  # fmt: skip

    scripted.replies.clear()
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=student["headers"]) as http:
        assert (await http.post("/api/courses/enroll/", json={"course_id": cid})).status_code == 201
        await store_model()
        for _ in range(2):
            scripted.reply_text("Loops repeat code.")
            await _turn(url, student["headers"], {"message": "What is a loop?"})
        assert "0% complete" in system_prompt()
        # Unchanged since the last turn (the session check's read says so): nothing of it is read again.
        scripted.reply_text("Loops repeat code.")
        commands.sent.clear()
        await _turn(url, student["headers"], {"message": "What is a loop?"})
        assert reads() == set()
        # A completed lesson changes it: the next turn reads it afresh and sees the new progress.
        done = await http.post("/api/progress/update/", json={"course_id": cid, "lesson_id": "l1", "completed": True})
        assert done.status_code == 200, done.text
        scripted.reply_text("Loops repeat code.")
        commands.sent.clear()
        await _turn(url, student["headers"], {"message": "What is a loop?"})
        assert "user_progress" in reads() and "50% complete" in system_prompt()
        # So does a write by another process (the worker storing a new learner model, another replica).
        await store_model()
        scripted.reply_text("Loops repeat code.")
        commands.sent.clear()
        await _turn(url, student["headers"], {"message": "What is a loop?"})
        assert "ai_recommendations" in reads()
        # A read-only request may take the account (and its stamp) as checked a moment ago, yet right after
        # an own write it never gets the learner data from before it.
        assert (await http.get("/api/progress/")).json()[0]["progress_percentage"] == 50.0
        done = await http.post("/api/progress/update/", json={"course_id": cid, "lesson_id": "l2", "completed": True})
        assert done.status_code == 200, done.text
        assert (await http.get("/api/progress/")).json()[0]["progress_percentage"] == 100.0
