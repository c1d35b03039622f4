"""Our own chat evaluation sets (bench/data/chat_*.jsonl) asked of the local model through the agent loop.

In-course questions over the sample course and the Python tutorial (answered, gold citation, answer
in reply vs. the top retrieved passage), near-topic questions the material does not answer
(declined), and two-turn follow-ups (gold citation of the follow-up's answer). Each set has a
``split``: thresholds were tuned on ``dev`` only; the benchmark reports ``test``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.deps import TutorDeps, TutorUser
from agents.events import ChatTurn
from agents.runner import TutorAgent
from bench.chat_courses import ServiceMaterialPort, sample_courses, tutorial_course
from bench.common import read_jsonl
from retrieval.service import RetrievalService

DECLINE = re.compile(r"isn't covered by this course", re.IGNORECASE)
DATA = Path(__file__).resolve().parent / "data"


def norm(text: str) -> str:
    """Lower-case, punctuation-free, single-spaced text for answer matching."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


class _Catalog:
    def __init__(self, course_id: str, title: str) -> None:
        self.courses = [{"id": course_id, "title": title, "description": "", "category": "bench", "price": 0}]

    async def list_courses(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        return self.courses

    async def course_title(self, course_id: str) -> str | None:
        return next((str(c["title"]) for c in self.courses if c["id"] == course_id), None)


class _NoActions:
    async def enroll(self, user_id: str, course_id: str) -> dict[str, Any]:
        return {"user_id": user_id, "course_id": course_id}

    async def get_progress(self, user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        return []


def bench_deps(material: ServiceMaterialPort, course_id: str, title: str) -> TutorDeps:
    """Deps for a bench student over one indexed course (no other side effects)."""
    nothing = _NoActions()
    return TutorDeps(user=TutorUser(id="bench-student", role="student"), catalog=_Catalog(course_id, title),
                     enrollment=nothing, progress=nothing, material=material)


@dataclass
class Courses:
    """The indexed bench courses: the sample catalogue and the Python tutorial."""

    sample: RetrievalService
    tutorial: RetrievalService

    def deps(self, course_id: str) -> TutorDeps:
        """Deps of a bench student enrolled in ``course_id``."""
        service = self.tutorial if course_id == "pytutorial" else self.sample
        return bench_deps(ServiceMaterialPort(service, course_id), course_id, course_id)

    def top(self, course_id: str, question: str) -> str:
        """Text of the top retrieved passage (the baseline reply)."""
        service = self.tutorial if course_id == "pytutorial" else self.sample
        hits = service.search(course_id, question, 1)
        return hits[0].chunk.text if hits else ""


def build_courses(data_dir: Path, embedder: Any, cache: Path) -> Courses:
    """Index both courses with the real ingestion pipeline (cached between runs)."""
    tutorial = tutorial_course(data_dir / "python-docs-3.11" / "rst", embedder, cache)
    return Courses(sample_courses(embedder, cache), tutorial)


async def turn(agent: TutorAgent, deps: TutorDeps, message: str, course_id: str,
               history: Sequence[ChatTurn] = ()) -> dict[str, Any]:
    """One turn; returns the ``done`` payload."""
    done: dict[str, Any] = {}
    async for event in agent.stream(deps, list(history), message, course_id=course_id):
        if event.type == "done":
            done = dict(event.data)
    return done


def first_source(done: dict[str, Any]) -> str | None:
    """File name of the source the reply cites first (by where its ``[n]`` first appears)."""
    answer = str(done.get("answer", ""))
    cited = [c for c in done.get("citations", []) if c.get("cited")]
    cited.sort(key=lambda c: answer.find(f"[{c['n']}]"))
    return str(cited[0]["citation"]["source_name"]) if cited else None


def split_rows(name: str, split: str) -> list[dict[str, Any]]:
    """Rows of one evaluation file in ``split`` (``all`` for every row)."""
    rows = read_jsonl(DATA / name)
    return rows if split == "all" else [r for r in rows if r["split"] == split]


async def in_course(agent: TutorAgent, courses: Courses, split: str, only: str | None = None) -> dict[str, Any]:
    """Answered, gold-citation and answer-in-reply rates; ``only`` limits to the tutorial or the sample."""
    rows = split_rows("chat_in_course.jsonl", split)
    if only == "pytutorial":
        rows = [r for r in rows if r["course"] == "pytutorial"]
    answered = gold = in_reply = top_in_reply = 0
    misses: list[dict[str, Any]] = []
    for row in rows:
        done = await turn(agent, courses.deps(row["course"]), row["question"], row["course"])
        reply = done.get("answer", "")
        ok_answer = not DECLINE.search(reply)
        answered += ok_answer
        gold_hit = first_source(done) == row["gold_source"]
        gold += gold_hit
        in_reply += norm(row["answer"]) in norm(reply)
        top_in_reply += norm(row["answer"]) in norm(courses.top(row["course"], row["question"]))
        if not (ok_answer and gold_hit):
            misses.append({"id": row["id"], "declined": not ok_answer, "cited": first_source(done)})
    n = max(1, len(rows))
    return {"in_course_answered": answered / n, "gold_citation": gold / n, "answer_in_reply": in_reply / n,
            "top_passage_answer_in_reply": top_in_reply / n, "_n": len(rows), "_misses": misses}


async def near_topic(agent: TutorAgent, courses: Courses, split: str) -> dict[str, Any]:
    """Share of near-topic questions declined."""
    rows = split_rows("chat_near_topic.jsonl", split)
    declined = 0
    answered_ids = []
    for row in rows:
        done = await turn(agent, courses.deps(row["course"]), row["question"], row["course"])
        refused = bool(DECLINE.search(done.get("answer", "")))
        declined += refused
        if not refused:
            answered_ids.append(row["id"])
    return {"near_topic_declined": declined / max(1, len(rows)), "_n": len(rows), "_answered": answered_ids}


async def followups(agent: TutorAgent, courses: Courses, split: str) -> dict[str, Any]:
    """Share of follow-ups whose reply first cites the gold file (resolved against the first turn)."""
    rows = split_rows("chat_followups.jsonl", split)
    gold = 0
    misses = []
    for row in rows:
        deps = courses.deps(row["course"])
        first = await turn(agent, deps, row["first"], row["course"])
        history = [ChatTurn("user", row["first"]), ChatTurn("assistant", first.get("answer", ""))]
        done = await turn(agent, deps, row["followup"], row["course"], history)
        hit = first_source(done) == row["gold_source"]
        gold += hit
        if not hit:
            misses.append({"id": row["id"], "cited": first_source(done)})
    return {"followup_gold_citation": gold / max(1, len(rows)), "_n": len(rows), "_misses": misses}


def routing(router: Any, split: str) -> dict[str, Any]:
    """Intent routing precision and recall per intent on the paraphrase set (enroll by rule, others by example)."""
    rows = split_rows("intent_paraphrases.jsonl", split)
    got = [(row["intent"], router.route(row["text"]).intent) for row in rows]
    out: dict[str, Any] = {}
    for intent in sorted({want for want, _ in got}):
        tp = sum(w == intent and g == intent for w, g in got)
        fp = sum(w != intent and g == intent for w, g in got)
        fn = sum(w == intent and g != intent for w, g in got)
        out[intent] = {"precision": round(tp / max(1, tp + fp), 3), "recall": round(tp / max(1, tp + fn), 3),
                       "n": tp + fn}
    out["accuracy"] = round(sum(w == g for w, g in got) / max(1, len(got)), 3)
    return out
