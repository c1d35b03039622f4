"""Quiz policy over HTTP: which answer keys a result shows, attempt limits, safe ids, evidence for knowledge tracing."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import Factory, sample_course_body
from tests.polling import wait_for

pytestmark = pytest.mark.asyncio

QUESTIONS = 4
UPDATE = "/api/progress/update/"


def quiz_course_body(policy: dict[str, Any] | None = None) -> dict[str, Any]:
    """A course whose lesson ``l1`` has a four-question quiz; question ``qN`` tests skill ``quiz.sN``."""
    questions = [
        {
            "id": f"q{n}",
            "prompt": f"Question {n}?",
            "choices": ["alpha", "beta", "gamma"],
            "skills": [f"quiz.s{n}"],
            "answer": n % 3,
            "explanation": f"Because of reason {n}.",
        }
        for n in range(1, QUESTIONS + 1)
    ]
    lesson = {"id": "l1", "title": "Checkpoint", "content": "Four questions.", "quiz": {"questions": questions}}
    body = sample_course_body(modules=[{"id": "m1", "title": "Only", "lessons": [lesson]}])
    if policy is not None:
        body["quiz_policy"] = policy
    return body


def right(n: int) -> int:
    """The correct choice of question ``qN``."""
    return n % 3


def wrong(n: int) -> int:
    """A wrong choice of question ``qN``."""
    return (n + 1) % 3


async def enrolled(
    client: httpx.AsyncClient, factory: Factory, policy: dict[str, Any] | None = None
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A new course with ``policy``, and a student enrolled in it: ``(course_id, student, teacher)``."""
    teacher = await factory.instructor()
    res = await client.post("/api/courses/", json=quiz_course_body(policy), headers=teacher["headers"])
    assert res.status_code == 201, res.text
    student = await factory.student()
    cid = res.json()["id"]
    assert (
        await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=student["headers"])
    ).status_code == 201
    return cid, student, teacher


async def submit(
    client: httpx.AsyncClient, student: dict[str, Any], cid: str, answers: dict[str, int]
) -> httpx.Response:
    body = {"course_id": cid, "lesson_id": "l1", "quiz_answers": answers}
    return await client.post(UPDATE, json=body, headers=student["headers"])


def shown_explanations(text: str) -> set[int]:
    return {n for n in range(1, QUESTIONS + 1) if f"reason {n}." in text}


async def test_a_partial_submission_reveals_only_the_answered_keys(client, factory):
    cid, student, _ = await enrolled(client, factory)
    course = (await client.get(f"/api/courses/{cid}/", headers=student["headers"])).json()
    assert course["quiz_policy"] == {"max_attempts": None, "reveal": "answered"}

    res = await submit(client, student, cid, {"q2": wrong(2)})
    assert res.status_code == 200, res.text
    result = res.json()["quiz_result"]
    assert shown_explanations(res.text) == {2}
    by_id = {r["question_id"]: r for r in result["results"]}
    assert by_id["q2"]["revealed"] is True and by_id["q2"]["correct_answer"] == right(2)
    for qid in ("q1", "q3", "q4"):
        assert by_id[qid]["revealed"] is False and by_id[qid]["answered"] is False
        assert "correct_answer" not in by_id[qid] and "explanation" not in by_id[qid]
    assert (result["attempts_used"], result["attempts_remaining"], result["max_attempts"]) == (1, None, None)
    assert result["reveal"] == "answered" and result["score"] == 0.0


async def test_after_last_attempt_shows_the_whole_key_only_with_the_last_result(client, factory, services):
    cid, student, _ = await enrolled(client, factory, {"max_attempts": 2, "reveal": "after_last_attempt"})
    first = await submit(client, student, cid, {f"q{n}": wrong(n) for n in range(1, QUESTIONS + 1)})
    assert first.status_code == 200, first.text
    assert shown_explanations(first.text) == set() and "correct_answer" not in first.text
    assert all(r["correct"] is False and r["revealed"] is False for r in first.json()["quiz_result"]["results"])
    assert first.json()["quiz_result"]["attempts_remaining"] == 1

    last = await submit(client, student, cid, {"q1": right(1)})
    result = last.json()["quiz_result"]
    assert (result["attempts_used"], result["attempts_remaining"]) == (2, 0)
    assert shown_explanations(last.text) == {1, 2, 3, 4}
    assert [r["correct_answer"] for r in result["results"]] == [right(n) for n in range(1, QUESTIONS + 1)]

    over = await submit(client, student, cid, {"q1": right(1)})
    assert over.status_code == 409
    assert "used all 2 attempts" in over.json()["detail"]
    assert len(await services.progress.attempts.of_user(student["id"], cid)) == 2 * QUESTIONS


async def test_never_shows_keys_and_max_attempts_is_enforced(client, factory, services):
    cid, student, _ = await enrolled(client, factory, {"max_attempts": 1, "reveal": "never"})
    only = await submit(client, student, cid, {"q1": right(1), "q2": wrong(2)})
    assert only.status_code == 200, only.text
    result = only.json()["quiz_result"]
    assert shown_explanations(only.text) == set() and "correct_answer" not in only.text
    assert [r["correct"] for r in result["results"][:2]] == [True, False]  # whether each answer was right, no more
    assert (result["attempts_used"], result["attempts_remaining"], result["reveal"]) == (1, 0, "never")

    again = await submit(client, student, cid, {"q1": right(1)})
    assert again.status_code == 409 and again.json()["extra"] == {"attempts_used": 1, "max_attempts": 1}
    progress = (await client.get(f"/api/progress/{cid}/", headers=student["headers"])).json()
    assert progress["quiz_scores"][0]["attempts"] == 1 and progress["quiz_scores"][0]["best_score"] == 25.0
    assert len(await services.progress.attempts.of_user(student["id"], cid)) == QUESTIONS


async def test_concurrent_submissions_never_exceed_max_attempts(client, factory, services):
    cid, student, _ = await enrolled(client, factory, {"max_attempts": 3, "reveal": "after_last_attempt"})
    responses = await asyncio.gather(*(submit(client, student, cid, {"q1": right(1)}) for _ in range(8)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 3 + [409] * 5, [r.text for r in responses]
    ok = [r.json()["quiz_result"] for r in responses if r.status_code == 200]
    assert sorted(r["attempts_used"] for r in ok) == [1, 2, 3]
    assert [r["attempts_used"] for r in ok if r["results"][0].get("explanation")] == [3]  # the last one only
    progress = (await client.get(f"/api/progress/{cid}/", headers=student["headers"])).json()
    assert progress["quiz_scores"][0]["attempts"] == 3
    assert len(await services.progress.attempts.of_user(student["id"], cid)) == 3 * QUESTIONS


async def test_only_the_courses_instructor_sets_the_policy(client, factory):
    cid, student, teacher = await enrolled(client, factory)
    url = f"/api/courses/{cid}/"
    policy = {"quiz_policy": {"max_attempts": 1, "reveal": "never"}}
    assert (await client.patch(url, json=policy, headers=student["headers"])).status_code == 403
    other = await factory.instructor()
    assert (await client.patch(url, json=policy, headers=other["headers"])).status_code == 403
    assert (await client.post("/api/courses/", json=quiz_course_body(), headers=student["headers"])).status_code == 403
    assert (await client.get(url, headers=student["headers"])).json()["quiz_policy"]["reveal"] == "answered"

    assert (await submit(client, student, cid, {"q1": right(1)})).status_code == 200
    res = await client.patch(url, json=policy, headers=teacher["headers"])
    assert res.status_code == 200, res.text
    assert (await client.get(url, headers=student["headers"])).json()["quiz_policy"] == policy["quiz_policy"]
    assert (await submit(client, student, cid, {"q1": right(1)})).status_code == 409  # one attempt already used
    reset = await client.patch(url, json={"quiz_policy": None}, headers=teacher["headers"])
    assert reset.status_code == 200, reset.text
    assert (await submit(client, student, cid, {"q1": right(1)})).status_code == 200  # defaults: unlimited


INVALID_POLICIES: list[Any] = [
    {"max_attempts": 0},
    {"max_attempts": -1},
    {"max_attempts": "3"},
    {"max_attempts": 1.5},
    {"reveal": "sometimes"},
    {"reveal": "after_last_attempt"},  # unlimited attempts have no last one
    {"max_attempts": 2, "reveal": "never", "shuffle": True},
    "never",
]


async def test_policies_are_validated_on_create_and_update(client, factory):
    teacher = await factory.instructor()
    valid = {"max_attempts": 5, "reveal": "after_last_attempt"}
    created = await client.post("/api/courses/", json=quiz_course_body(valid), headers=teacher["headers"])
    assert created.status_code == 201, created.text
    assert created.json()["quiz_policy"] == valid
    url = f"/api/courses/{created.json()['id']}/"
    for policy in INVALID_POLICIES:
        res = await client.post("/api/courses/", json=quiz_course_body(policy), headers=teacher["headers"])
        assert res.status_code == 400, (policy, res.text)
        res = await client.patch(url, json={"quiz_policy": policy}, headers=teacher["headers"])
        assert res.status_code == 400, (policy, res.text)
    assert (await client.get(url, headers=teacher["headers"])).json()["quiz_policy"] == valid


@pytest.mark.parametrize("lesson_id", ["a.b", "$where", "a b", "x" * 65, "l1.attempts", "é"])
async def test_odd_lesson_ids_are_400_and_store_nothing(client, factory, services, lesson_id):
    teacher = await factory.instructor()
    body = quiz_course_body()
    body["modules"][0]["lessons"][0]["id"] = lesson_id
    res = await client.post("/api/courses/", json=body, headers=teacher["headers"])
    assert res.status_code == 400 and "letters, digits" in res.text, res.text
    # A course stored before ids were checked can still hold such a lesson: arrange one directly.
    cid = f"legacy-{uuid.uuid4().hex[:8]}"
    await services.mongo.collection("courses").insert_one(
        {**quiz_course_body(), "_id": cid, "instructor_id": teacher["id"], "skills": [], "modules": body["modules"]}
    )
    student = await factory.student()
    assert (
        await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=student["headers"])
    ).status_code == 201
    sent = {"course_id": cid, "lesson_id": lesson_id, "quiz_answers": {"q1": 1, "q2": 2}}
    res = await client.post(UPDATE, json=sent, headers=student["headers"])
    assert res.status_code == 400 and "letters, digits" in res.text, res.text
    assert await services.progress.attempts.of_user(student["id"], cid) == []
    progress = (await client.get(f"/api/progress/{cid}/", headers=student["headers"])).json()
    assert progress["quiz_scores"] == []


async def test_odd_question_ids_are_400_and_store_nothing(client, factory, services):
    cid, student, teacher = await enrolled(client, factory)
    res = await submit(client, student, cid, {"q1": 1, "q.2": 1})
    assert res.status_code == 400 and "letters, digits" in res.text, res.text
    assert await services.progress.attempts.of_user(student["id"], cid) == []
    quiz = {"questions": [{"id": "q.9", "prompt": "Odd?", "choices": ["a", "b"], "answer": 0}]}
    put = await client.put(f"/api/courses/{cid}/lessons/l1/quiz/", json=quiz, headers=teacher["headers"])
    assert put.status_code == 400, put.text


async def mastery_after(client: httpx.AsyncClient, student: dict[str, Any], cid: str, skill: str, attempts: int) -> Any:
    """The stored mastery once the worker's refresh has seen ``attempts`` attempts on ``skill``."""

    async def refreshed() -> Any:
        progress = (await client.get(f"/api/progress/{cid}/", headers=student["headers"])).json()
        mastery = progress.get("mastery") or {}
        return progress if (mastery.get(skill) or {}).get("attempts") == attempts else None

    return await wait_for(refreshed)


async def test_attempts_after_a_reveal_are_not_knowledge_tracing_evidence(client, factory, worker):
    cid, student, _ = await enrolled(client, factory)
    for _ in range(3):  # q1 answered (its key shown each time); q2 never answered, never shown
        assert (await submit(client, student, cid, {"q1": wrong(1)})).status_code == 200
    assert (await submit(client, student, cid, {"q1": wrong(1), "q3": right(3)})).status_code == 200
    # q2's four unanswered attempts are all evidence: once the refresh has seen them it saw everything.
    progress = await mastery_after(client, student, cid, "quiz.s2", 4)
    mastery = progress["mastery"]
    assert mastery["quiz.s1"]["attempts"] == 1  # only the attempt made before q1's key was shown
    assert mastery["quiz.s3"]["attempts"] == 4 and mastery["quiz.s3"]["correct"] == 1
    weak = {w["skill"]: w for w in progress["weak_areas"]}
    assert "quiz.s1" not in weak or weak["quiz.s1"]["attempts"] == 1
    assert progress["quiz_scores"][0]["attempts"] == 4  # every attempt is still recorded


async def test_practice_reveals_count_and_keys_the_policy_hides_are_never_practised(client, factory, worker):
    cid, student, _ = await enrolled(client, factory)
    asked = await ask(client, student, "quiz me", course_id=cid)
    pending = await pending_question(client, student, asked["thread_id"])
    n = int(pending["question_id"][1:])
    graded = await ask(client, student, "ABC"[wrong(n)], thread_id=asked["thread_id"])
    assert f"reason {n}." in graded["answer"]  # practice shows the key after grading...
    others = {f"q{m}": wrong(m) for m in range(1, QUESTIONS + 1) if m != n}
    assert (await submit(client, student, cid, {**others, f"q{n}": right(n)})).status_code == 200
    # ...so the quiz's right answer that followed is no evidence; the other questions' first answers are.
    progress = await mastery_after(client, student, cid, f"quiz.s{(n % QUESTIONS) + 1}", 1)
    assert progress["mastery"][f"quiz.s{n}"] == {**progress["mastery"][f"quiz.s{n}"], "attempts": 1, "correct": 0}

    hidden, student2, _ = await enrolled(client, factory, {"max_attempts": 2, "reveal": "after_last_attempt"})
    refused = await ask(client, student2, "quiz me", course_id=hidden)
    assert "couldn't find a practice question" in refused["answer"]
    for _ in range(2):
        assert (await submit(client, student2, hidden, {"q1": wrong(1)})).status_code == 200
    now_open = await ask(client, student2, "quiz me", course_id=hidden)  # no attempts left: keys may be shown
    assert "Question" in now_open["answer"] and "couldn't find" not in now_open["answer"]


async def test_a_question_asked_before_the_policy_changed_is_not_graded_with_its_key(client, factory, worker):
    cid, student, teacher = await enrolled(client, factory)
    asked = await ask(client, student, "quiz me", course_id=cid)
    n = int((await pending_question(client, student, asked["thread_id"]))["question_id"][1:])
    policy = {"quiz_policy": {"reveal": "never"}}
    assert (await client.patch(f"/api/courses/{cid}/", json=policy, headers=teacher["headers"])).status_code == 200
    reply = await ask(client, student, "ABC"[right(n)], thread_id=asked["thread_id"])
    assert "kept for the course's graded quiz" in reply["answer"], reply["answer"]
    assert f"reason {n}." not in reply["answer"] and "Correct" not in reply["answer"]


async def ask(client: httpx.AsyncClient, student: dict[str, Any], message: str, **body: Any) -> dict[str, Any]:
    res = await client.post("/api/chat/", json={"message": message, **body}, headers=student["headers"])
    assert res.status_code == 200, res.text
    return dict(res.json())


async def pending_question(client: httpx.AsyncClient, student: dict[str, Any], thread_id: str) -> dict[str, Any]:
    """The practice question the server is waiting for an answer to (from the thread it stored)."""
    thread = (await client.get(f"/api/chat/threads/{thread_id}/", headers=student["headers"])).json()
    pending = thread["messages"][-1].get("pending") or {}
    assert pending.get("kind") == "practice", json.dumps(thread["messages"][-1])
    return dict(pending)
