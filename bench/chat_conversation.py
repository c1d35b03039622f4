"""Conversation quality through the real API with the offline local model, on the sample course.

Two figures, both measured over HTTP against the whole stack (:mod:`bench.chat_stack`):

* ``tool_replies_natural``: the share of tool replies (progress, recommendations, weak areas, course
  list, practice question) that read as plain language, i.e. match none of :data:`UNNATURAL`. Asked
  with the paraphrases of ``bench/data/intent_paraphrases.jsonl`` of one split, each in a fresh
  thread, by the demo student after two graded lesson quizzes with wrong answers; only replies
  whose expected tool ran count. Routing accuracy (expected tool ran) is reported beside it.
* ``practice_graded``: the share of practice exchanges ("quiz me on loops", then an answer in the
  same thread) whose reply grades the answer as sent (right or wrong) and for which a matching
  ``quiz_attempts`` document was recorded. The answer key comes from the sample catalogue file.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pymongo import MongoClient

from bench.chat_stack import Stack, chat_stack
from bench.common import log, read_jsonl
from tutor.seed import DEMO_STUDENT, SAMPLE_DIR

HERE = Path(__file__).resolve().parent
PARAPHRASES = HERE / "data" / "intent_paraphrases.jsonl"
COURSE = "python-intro"
TOOL_OF_INTENT = {
    "progress": "get_progress",
    "recommendations": "get_recommendations",
    "weak_areas": "get_weak_areas",
    "list_courses": "list_courses",
    "practice": "practice_question",
}
# A tool reply reads as plain language only when none of these match.
UNNATURAL: list[tuple[str, re.Pattern[str]]] = [
    ("snake_case key", re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
    ("course id", re.compile(r"\b(?:python-intro|data-analysis-python|web-apis-python)\b")),
    ("lesson id", re.compile(r"\bl-[a-z]+(?:-[a-z]+)*\b")),
    ("question id", re.compile(r"\bq-[a-z]+(?:-[a-z]+)*-\d+\b")),
    ("skill id", re.compile(r"\b(?:python|data|web)\.[a-z_]+\b")),
    ("hex id", re.compile(r"\b(?:[0-9a-f]{32}|[0-9a-f]{24})\b")),
    ("JSON/dict syntax", re.compile(r"[{}]|\": |\[\{")),
    ("None/null/True/False", re.compile(r"\b(?:None|null|True|False)\b")),
    ("ISO timestamp", re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")),
]
TOPICS = ["loops", "lists", "strings", "functions", "dictionaries", "conditionals", "variables", "exceptions"]
FORMATS = ["letter", "number", "text"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
GRADED_RIGHT = re.compile(r"^Correct\b")
GRADED_WRONG = re.compile(r"^Not quite\b")
PREP_QUIZZES = ["l-variables", "l-loops", "l-numbers-strings"]  # answered half right, half wrong
MAX_REPLY = 400


@dataclass(frozen=True)
class Question:
    """A quiz question of the sample catalogue, with its key."""

    id: str
    lesson_id: str
    prompt: str
    choices: list[str]
    answer: int


@dataclass
class Student:
    """A signed-in student."""

    user_id: str
    headers: dict[str, str]


def catalog_questions(course_id: str | None = None) -> list[Question]:
    """Every quiz question of the sample catalogue file (of one course when ``course_id`` is given)."""
    catalog = json.loads((SAMPLE_DIR / "catalog.json").read_text())
    return [
        Question(q["id"], lesson["id"], q["prompt"], list(q["choices"]), int(q["answer"]))
        for course in catalog["courses"]
        if course_id is None or course["id"] == course_id
        for module in course["modules"]
        for lesson in module["lessons"]
        for q in (lesson.get("quiz") or {}).get("questions", [])
    ]


def question_in(reply: str, questions: list[Question]) -> Question | None:
    """The question whose prompt the reply shows (the longest match, as one prompt may contain another)."""
    shown = [q for q in questions if q.prompt in reply]
    return max(shown, key=lambda q: len(q.prompt)) if shown else None


def unnatural_matches(reply: str) -> list[str]:
    """Labels of the :data:`UNNATURAL` patterns found in ``reply``."""
    return [label for label, pattern in UNNATURAL if pattern.search(reply)]


def without_question(reply: str, question: Question | None) -> str:
    """``reply`` without the quiz question's own prompt and choices (course content, code included)."""
    if question is None:
        return reply
    for text in sorted([question.prompt, *question.choices], key=len, reverse=True):
        reply = reply.replace(text, " ")
    return reply


def chat(client: httpx.Client, student: Student, message: str, thread_id: str | None = None) -> dict[str, Any]:
    """One turn over ``POST /api/chat/``; a new thread on ``course_id`` unless ``thread_id`` is given."""
    body: dict[str, Any] = {"message": message}
    body.update({"thread_id": thread_id} if thread_id else {"course_id": COURSE})
    res = client.post("/api/chat/", json=body, headers=student.headers)
    if res.status_code != 200:
        raise RuntimeError(f"chat {message!r}: {res.status_code} {res.text[:300]}")
    return dict(res.json())


def tools_ran(done: dict[str, Any]) -> list[str]:
    """Names of the tools the turn ran."""
    return [str(call.get("name")) for call in done.get("tool_calls") or []]


def short(text: str) -> str:
    """``text`` cut to :data:`MAX_REPLY` characters."""
    return text if len(text) <= MAX_REPLY else text[:MAX_REPLY] + "…"


# --- the student -------------------------------------------------------------------------------


def sign_in(client: httpx.Client) -> Student:
    """Log in as the demo student and enroll in the course (already enrolled is fine)."""
    res = client.post("/api/auth/login/", json={"email": DEMO_STUDENT["email"], "password": DEMO_STUDENT["password"]})
    res.raise_for_status()
    body = res.json()
    student = Student(str(body["user"]["id"]), {"Authorization": f"Bearer {body['access_token']}"})
    res = client.post("/api/courses/enroll/", json={"course_id": COURSE}, headers=student.headers)
    if res.status_code not in (201, 409):
        raise RuntimeError(f"enroll: {res.status_code} {res.text[:300]}")
    return student


def submit_quizzes(client: httpx.Client, student: Student) -> None:
    """Answer the :data:`PREP_QUIZZES` (every other question wrong) and complete the first lesson."""
    questions = catalog_questions(COURSE)
    for lesson_id in PREP_QUIZZES:
        mine = [q for q in questions if q.lesson_id == lesson_id]
        answers = {q.id: q.answer if i % 2 == 0 else (q.answer + 1) % len(q.choices) for i, q in enumerate(mine)}
        body = {"course_id": COURSE, "lesson_id": lesson_id, "quiz_answers": answers}
        client.post("/api/progress/update/", json=body, headers=student.headers).raise_for_status()
    done = {"course_id": COURSE, "lesson_id": PREP_QUIZZES[0], "completed": True, "time_spent": 900}
    client.post("/api/progress/update/", json=done, headers=student.headers).raise_for_status()


def wait_for_learner_model(client: httpx.Client, student: Student, timeout_s: float = 120) -> bool:
    """Wait until the worker has stored weak areas for the course; whether it did in time."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        res = client.get("/api/ai/weak-areas/", params={"course_id": COURSE}, headers=student.headers)
        if res.status_code == 200 and res.json():
            return True
        time.sleep(0.5)
    return False


# --- part 1: tool replies ----------------------------------------------------------------------


def tool_messages(split: str) -> list[dict[str, Any]]:
    """Paraphrases of the tool intents in ``split``."""
    return [r for r in read_jsonl(PARAPHRASES) if r["intent"] in TOOL_OF_INTENT and r["split"] == split]


def tool_replies(client: httpx.Client, student: Student, split: str) -> dict[str, Any]:
    """Ask every tool paraphrase in a fresh thread; natural share over replies whose tool ran."""
    questions = catalog_questions()
    rows = tool_messages(split)
    routed = natural = 0
    unnatural: list[dict[str, Any]] = []
    misrouted: list[dict[str, Any]] = []
    for row in rows:
        tool = TOOL_OF_INTENT[row["intent"]]
        done = chat(client, student, row["text"])
        if tool not in tools_ran(done):
            misrouted.append({"message": row["text"], "expected": tool, "ran": tools_ran(done)})
            continue
        routed += 1
        reply = str(done.get("answer", ""))
        shown = question_in(reply, questions) if tool == "practice_question" else None
        found = unnatural_matches(without_question(reply, shown))
        natural += not found
        if found:
            unnatural.append({"message": row["text"], "tool": tool, "matched": found, "reply": short(reply)})
    log(f"  tool replies: {routed}/{len(rows)} routed, {natural} natural")
    return {
        "tool_replies_natural": natural / routed if routed else 0.0,
        "routing_accuracy": routed / len(rows) if rows else 0.0,
        "n_messages": len(rows),
        "n_tool_replies": routed,
        "unnatural": unnatural,
        "misrouted": misrouted,
    }


# --- part 2: practice --------------------------------------------------------------------------


def answer_text(question: Question, index: int, form: str) -> str:
    """How the student writes choice ``index``: a letter, a 1-based number, or the choice text.

    A number that is also the text of a choice would name that choice, so a letter is sent instead.
    """
    if form == "text":
        return question.choices[index]
    if form == "number" and str(index + 1) not in {c.strip() for c in question.choices}:
        return str(index + 1)
    return LETTERS[index]


def attempts_of(db: Any, student: Student, question_id: str) -> list[dict[str, Any]]:
    """The student's ``quiz_attempts`` of one question, newest first."""
    query = {"user_id": student.user_id, "question_id": question_id}
    return list(db["quiz_attempts"].find(query).sort([("answered_at", -1), ("position", -1)]))


def practice_once(client: httpx.Client, db: Any, student: Student, i: int) -> dict[str, Any] | None:
    """One exchange; ``None`` when it was graded and recorded right, else what went wrong."""
    topic = TOPICS[i % len(TOPICS)]
    right, form = i % 2 == 0, FORMATS[i % len(FORMATS)]
    asked = chat(client, student, f"quiz me on {topic}")
    question = question_in(str(asked.get("answer", "")), catalog_questions())
    failure: dict[str, Any] = {"topic": topic, "right": right, "form": form}
    if question is None:
        return {**failure, "reason": "no catalogue question in the reply", "reply": short(asked.get("answer", ""))}
    index = question.answer if right else (question.answer + 1) % len(question.choices)
    sent = answer_text(question, index, form)
    before = len(attempts_of(db, student, question.id))
    graded = chat(client, student, sent, thread_id=str(asked["thread_id"]))
    reply = str(graded.get("answer", ""))
    failure.update(question_id=question.id, sent=sent, reply=short(reply))
    if not (GRADED_RIGHT if right else GRADED_WRONG).match(reply):
        return {**failure, "reason": "reply does not grade the answer as sent", "tools": tools_ran(graded)}
    problem = attempt_problem(attempts_of(db, student, question.id), before, right)
    return {**failure, "reason": problem} if problem else None


def attempt_problem(after: list[dict[str, Any]], before: int, right: bool) -> str | None:
    """What is wrong with the recorded attempts (exactly one new, newest first, ``correct`` as sent), if anything."""
    if len(after) != before + 1:
        return f"{len(after) - before} new quiz_attempts documents instead of 1"
    if after[0].get("correct") is not right:
        return f"the new attempt has correct={after[0].get('correct')!r}, sent {'right' if right else 'wrong'}"
    return None


def practice(client: httpx.Client, stack: Stack, student: Student, n: int) -> dict[str, Any]:
    """``n`` practice exchanges, alternating right and wrong answers and the three answer forms."""
    mongo: MongoClient[dict[str, Any]] = MongoClient(stack.mongodb_url, tz_aware=True)
    try:
        db = mongo[stack.mongodb_db]
        failures = [f for f in (practice_once(client, db, student, i) for i in range(n)) if f is not None]
    finally:
        mongo.close()
    log(f"  practice: {n - len(failures)}/{n} graded and recorded")
    return {"practice_graded": (n - len(failures)) / n if n else 0.0, "n_practice": n, "practice_failures": failures}


# --- the measurement ---------------------------------------------------------------------------


def measure(split: str = "test", practice_n: int = 20) -> dict[str, Any]:
    """Natural tool replies and graded practice, through the real API with the offline model.

    Args:
        split: Paraphrase split asked for the tool replies (``"test"`` or ``"dev"``).
        practice_n: Practice exchanges (question, then an answer in the same thread).

    Returns:
        ``{"tool_replies_natural", "practice_graded", "_details": {"routing_accuracy",
        "n_tool_replies", "unnatural" (first 10), "n_practice", "practice_failures" (first 10),
        "seconds", ...}}``.
    """
    started = time.perf_counter()
    log("chat conversation: starting the stack")
    with chat_stack(with_worker=True) as stack, httpx.Client(base_url=stack.base_url, timeout=180) as client:
        student = sign_in(client)
        submit_quizzes(client, student)
        learner_ready = wait_for_learner_model(client, student)
        log(f"  learner model ready: {learner_ready}")
        tools = tool_replies(client, student, split)
        drills = practice(client, stack, student, practice_n)
    return {
        "tool_replies_natural": tools["tool_replies_natural"],
        "practice_graded": drills["practice_graded"],
        "_details": {
            "routing_accuracy": tools["routing_accuracy"],
            "n_messages": tools["n_messages"],
            "n_tool_replies": tools["n_tool_replies"],
            "unnatural": tools["unnatural"][:10],
            "misrouted": tools["misrouted"][:10],
            "n_practice": drills["n_practice"],
            "practice_failures": drills["practice_failures"][:10],
            "learner_model_ready": learner_ready,
            "split": split,
            "seconds": round(time.perf_counter() - started, 1),
        },
    }
