"""A generation job with the LLM generator (the scripted OpenAI-compatible server) end to end into drafts.

The job asks the model passage by passage; a passage whose reply is invalid JSON is re-asked once and,
still invalid, dropped; what the model wrote passes the same quality gate as the offline generator's,
and the kept drafts are stored under the model's name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from ingest.questions.job import run_generation
from ingest.questions.llm import LLMQuestionGenerator
from retrieval.types import Chunk
from tests.fakes.openai_server import ScriptedOpenAIServer
from tests.integration.test_question_llm import LOOPS, TUPLES, _question, _reply
from tests.unit.test_question_gate import fake_embed
from tutor.repositories.blocking import BlockingRepositories
from tutor.schemas.common import new_id, utcnow

pytestmark = pytest.mark.asyncio
# Worded from the passage, as the gate requires of a model's answer (a paraphrase is "answer_unsupported").
LOOP_Q = _question(
    prompt="What does a for loop do with a sequence?",
    choices=("It repeats its body once for every item", "It sorts the items", "It removes the last item"),
)


class Passages:
    """Two passages of one course, found by any search (the gate's retrieval check passes)."""

    def __init__(self, course_id: str) -> None:
        self.chunks = [
            Chunk(
                id=f"{course_id}-d{i}#0",
                course_id=course_id,
                document_id=f"d{i}",
                text=text,
                heading_path=("Python", "Basics"),
                source_name=f"d{i}.md",
                lesson_id="l1",
            )
            for i, text in enumerate((LOOPS, TUPLES))
        ]

    def chunks_of(self, course_id: str) -> list[Chunk]:
        return self.chunks

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        return fake_embed(texts)

    def found(self, course_id: str, query: str, k: int) -> list[str]:
        return [c.id for c in self.chunks]


async def test_an_llm_job_keeps_valid_questions_and_drops_a_twice_invalid_reply(settings, factory):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    job_id = new_id()
    job = {"_id": job_id, "course_id": course["id"], "created_by": teacher["id"], "state": "queued", "requested": 2,
           "lesson_id": None, "document_ids": [], "skills": [], "generated": 0, "kept": 0, "rejected": {},
           "draft_ids": [], "generator": None, "error": None, "created_at": utcnow(), "updated_at": utcnow()}  # fmt: skip
    with ScriptedOpenAIServer() as server:
        server.reply_text(_reply(LOOP_Q))  # the loops passage: valid at once
        server.reply_text("{not json")  # the tuples passage: invalid, re-asked ...
        server.reply_text('{"questions": [{"prompt": "truncated"')  # ... and invalid again: dropped
        generator = LLMQuestionGenerator(server.model, base_url=server.base_url, api_key="k", timeout_s=5.0)
        store = BlockingRepositories(settings.mongodb_url or "", settings.mongodb_db)
        try:
            store.run(store.repos.question_jobs.insert(job))
            done = await asyncio.to_thread(run_generation, job_id, store, Passages(course["id"]), generator)
            drafts = store.run(store.repos.drafts.of_course(course["id"]))
        finally:
            store.close()
        reask = server.requests[2]["body"]["messages"]
    assert done["state"] == "succeeded" and done["generator"] == server.model, done
    assert done["kept"] == 1, done["rejected"]
    assert generator.stats["dropped"] == 1 and generator.stats["reasked"] == 1
    assert reask[-2] == {"role": "assistant", "content": "{not json"} and reask[-1]["role"] == "user"
    [draft] = drafts
    assert draft["generator"] == server.model and draft["kind"] == "llm" and draft["status"] == "draft"
    assert draft["choices"][draft["answer"]] == "It repeats its body once for every item"
    assert draft["source_text"] == LOOPS and draft["citation"]["source_name"] == "d0.md"
