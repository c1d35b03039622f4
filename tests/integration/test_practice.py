"""Practice in chat against the real Mongo-wire server: choosing, grading and recording questions."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from agents.practice_adapter import PracticeAdapter
from tutor.container import Services
from tutor.errors import Forbidden, InvalidInput, NotFound
from tutor.schemas.courses import CourseIn
from tutor.services.practice import PracticeService
from tutor.services.principal import Principal
from tutor.services.progress import ProgressService

pytestmark = pytest.mark.asyncio


def _q(qid: str, prompt: str, skills: list[str], answer: int = 1) -> dict[str, Any]:
    return {
        "id": qid,
        "prompt": prompt,
        "choices": ["if", "for", "def", "while True"],
        "skills": skills,
        "answer": answer,
        "explanation": f"Explanation of {qid}.",
    }


def _course_body(title: str = "Python Practice") -> dict[str, Any]:
    loops = [
        _q("q-loop-1", "What repeats?", ["python.loops"]),
        _q("q-loop-2", "What stops a loop early?", ["python.loops", "python.loop_control"]),
    ]
    lists = [_q("q-list-1", "First index?", ["python.lists"], 0), _q("q-list-2", "Append?", ["python.lists"], 2)]
    functions = [_q("q-fn-1", "Define a function?", ["python.functions"], 2)]
    lessons = [("l-loops", "Loops", loops), ("l-lists", "Lists", lists), ("l-functions", "Functions", functions)]
    return {
        "title": f"{title} {uuid.uuid4().hex[:6]}",
        "category": "programming",
        "modules": [
            {
                "id": "m1",
                "title": "Basics",
                "lessons": [{"id": lid, "title": t, "content": t, "quiz": {"questions": qs}} for lid, t, qs in lessons],
            }
        ],
    }


class World:
    """A course, an enrolled student and a practice service whose hook records its calls."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.hook_calls: list[tuple[str, str]] = []

        async def hook(user_id: str, course_id: str) -> None:
            self.hook_calls.append((user_id, course_id))

        core = services.progress
        grading = ProgressService(core.progress, core.attempts, core.courses, core.enrollment, hook)
        self.practice = PracticeService(core.courses, core.progress, core.attempts, core.enrollment, grading)

    async def setup(self) -> World:
        self.teacher = await self._user("instructor")
        self.student = await self._user("student")
        course = await self.services.courses.create(CourseIn.model_validate(_course_body()), self.teacher)
        self.course_id = str(course["id"])
        await self.services.enrollment.enroll(self.student, self.course_id)
        return self

    async def _user(self, role: str) -> Principal:
        email = f"{role[0]}-{uuid.uuid4().hex[:10]}@example.com"
        user = await self.services.auth.create_user(email=email, password="pw-123456789", full_name="T", role=role)
        return Principal(str(user["id"]), role)

    async def learner_model(self, weak: list[tuple[str, float]], mastery: dict[str, float]) -> None:
        """Write what the worker's learner model would have written."""
        await self.services.mongo.collection("user_progress").update_one(
            {"user_id": self.student.user_id, "course_id": self.course_id},
            {
                "$set": {
                    "weak_areas": [{"skill": s, "mastery": m, "attempts": 3} for s, m in weak],
                    "mastery": {s: {"p": p, "attempts": 3} for s, p in mastery.items()},
                }
            },
        )

    def pending(self, question: dict[str, Any]) -> dict[str, Any]:
        return {"kind": "practice", **{k: question[k] for k in ("course_id", "lesson_id", "question_id")}}

    async def attempts(self) -> list[dict[str, Any]]:
        return await self.services.progress.attempts.of_user(self.student.user_id, self.course_id)


@pytest.fixture
async def world(services: Services) -> World:
    return await World(services).setup()


async def test_question_comes_from_the_weakest_matching_skill_without_its_key(world: World) -> None:
    await world.learner_model(
        weak=[("python.loop_control", 0.3), ("python.lists", 0.4)],
        mastery={"python.loops": 0.8, "python.functions": 0.9, "python.loop_control": 0.3, "python.lists": 0.4},
    )
    practice, me, cid = world.practice, world.student, world.course_id

    on_loops = await practice.next_question(me, cid, "quiz me on loops")
    assert (on_loops["question_id"], on_loops["skill"], on_loops["weak"]) == ("q-loop-2", "python.loop_control", True)
    assert on_loops["skill_label"] == "Loop control" and on_loops["topic_matched"] is True
    assert on_loops["lesson_title"] == "Loops" and on_loops["course_title"].startswith("Python Practice")
    assert on_loops["choices"] == ["if", "for", "def", "while True"]
    assert "answer" not in on_loops and "explanation" not in on_loops
    assert "Explanation of" not in json.dumps(on_loops)

    on_lists = await practice.next_question(me, cid, "lists")
    assert on_lists["question_id"] == "q-list-1" and on_lists["skill"] == "python.lists"
    on_functions = await practice.next_question(me, cid, "functions")
    assert on_functions["question_id"] == "q-fn-1" and on_functions["weak"] is False

    unmatched = await practice.next_question(me, cid, "recursion")
    assert unmatched["topic_matched"] is False and unmatched["topic"] == "recursion"
    assert unmatched["question_id"] == "q-loop-2"  # the weakest skill of the course
    anything = await practice.next_question(me, None, None)  # no chat course: the enrolled ones
    assert anything["question_id"] == "q-loop-2" and anything["course_id"] == cid


async def test_letter_number_and_text_answers_are_graded_and_recorded(world: World) -> None:
    practice, me = world.practice, world.student
    question = await practice.next_question(me, world.course_id, "loops")
    assert question["question_id"] == "q-loop-1"  # no learner model yet: course order
    pending = world.pending(question)

    right = await practice.check(me, pending, "B)")
    assert (right["status"], right["correct"], right["given"], right["answer_letter"]) == ("correct", True, 1, "B")
    assert right["explanation"] == "Explanation of q-loop-1." and right["lesson_id"] == "l-loops"
    wrong = await practice.check(me, pending, "option c")
    assert (wrong["status"], wrong["given_letter"], wrong["answer_text"]) == ("incorrect", "C", "for")
    assert (await practice.check(me, pending, "2"))["correct"] is True
    assert (await practice.check(me, pending, ' "For" '))["correct"] is True
    assert (await practice.check(me, pending, "answer: while true"))["given"] == 3

    docs = await world.attempts()
    assert [(d["question_id"], d["correct"], d["skills"], d["source"]) for d in docs] == [
        ("q-loop-1", True, ["python.loops"], "chat"),
        ("q-loop-1", False, ["python.loops"], "chat"),
        ("q-loop-1", True, ["python.loops"], "chat"),
        ("q-loop-1", True, ["python.loops"], "chat"),
        ("q-loop-1", False, ["python.loops"], "chat"),
    ]
    quiz_fields = {"_id", "submission_id", "user_id", "course_id", "lesson_id", "question_id", "position"}
    assert set(docs[0]) == quiz_fields | {"skills", "correct", "answered", "answered_at", "source"}
    assert docs[0]["user_id"] == me.user_id and docs[0]["lesson_id"] == "l-loops" and docs[0]["position"] == 0
    assert world.hook_calls == [(me.user_id, world.course_id)] * 5


async def test_an_unrecognisable_reply_is_not_graded(world: World) -> None:
    question = await world.practice.next_question(world.student, world.course_id, "lists")
    for reply in ("idk", "what?", "not sure if"):
        result = await world.practice.check(world.student, world.pending(question), reply)
        assert result["status"] == "not_an_answer" and result["correct"] is None
        assert not {"answer", "answer_letter", "answer_text", "explanation"} & set(result)
        assert result["prompt"] == "First index?" and result["choices"]
    assert await world.attempts() == [] and world.hook_calls == []


async def test_recently_seen_questions_are_avoided(world: World) -> None:
    await world.learner_model(weak=[("python.loop_control", 0.3)], mastery={"python.loops": 0.8})
    practice, me, cid = world.practice, world.student, world.course_id
    first = await practice.next_question(me, cid, "loops")
    assert first["question_id"] == "q-loop-2"
    await practice.check(me, world.pending(first), "a")
    second = await practice.next_question(me, cid, "loops")
    assert second["question_id"] == "q-loop-1" and second["recently_seen"] is False
    await practice.check(me, world.pending(second), "b")
    third = await practice.next_question(me, cid, "loops")  # both seen: the one seen longest ago
    assert third["question_id"] == "q-loop-2" and third["recently_seen"] is True


async def test_enrollment_is_required(world: World, services: Services) -> None:
    stranger = await world._user("student")
    question = await world.practice.next_question(world.student, world.course_id, None)
    with pytest.raises(Forbidden):
        await world.practice.next_question(stranger, world.course_id, "loops")
    with pytest.raises(Forbidden):
        await world.practice.next_question(stranger, None, None)  # enrolled nowhere
    with pytest.raises(Forbidden):
        await world.practice.check(stranger, world.pending(question), "b")
    with pytest.raises(NotFound):
        await world.practice.next_question(world.student, "no-such-course", None)
    assert await world.attempts() == []


async def test_pending_must_name_a_practice_question_that_exists(world: World) -> None:
    me, practice = world.student, world.practice
    with pytest.raises(InvalidInput):
        await practice.check(me, {"kind": "enroll_confirm", "course_id": world.course_id}, "b")
    stale = {"kind": "practice", "course_id": world.course_id, "lesson_id": "l-loops", "question_id": "q-gone"}
    with pytest.raises(NotFound):
        await practice.check(me, stale, "b")


async def test_adapter_acts_only_for_the_signed_in_user(world: World, services: Services) -> None:
    adapter = PracticeAdapter(services, world.student)
    question = await adapter.next_question(world.student.user_id, world.course_id, "functions")
    assert question["question_id"] == "q-fn-1"
    with pytest.raises(Forbidden):
        await adapter.next_question(world.teacher.user_id, world.course_id, None)
    with pytest.raises(Forbidden):
        await adapter.check("someone-else", world.pending(question), "c")
    result = await adapter.check(world.student.user_id, world.pending(question), "c")
    assert result["correct"] is True
