"""One question-generation job, run by the worker: passages → candidates → quality gate → drafts.

The job reads the course's indexed chunks (the same passages search cites), picks the requested
material (a lesson, some files, passages teaching some skills, or the whole course), asks the
generator for candidates, passes every candidate through :class:`~ingest.questions.gate.QualityGate`
and stores the first ``requested`` it keeps as drafts. Rejected candidates are counted by reason on
the job, never shown. A re-delivered job first drops the drafts an interrupted run of it stored.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from ingest.questions.concepts import Concept, propose_concepts
from ingest.questions.gate import QualityGate
from ingest.questions.types import Candidate, QuestionGenerator
from retrieval.types import Chunk
from tutor.db import Document
from tutor.repositories.blocking import BlockingRepositories
from tutor.schemas.common import new_id, utcnow
from tutor.services.course_state import is_live

log = logging.getLogger(__name__)
MAX_SKILLS_PER_DRAFT = 3
RETRIEVABLE_AT = 3  # a draft's prompt must find its passage among the top 3 of the course search


class CourseChunks(Protocol):
    """What the job needs from retrieval: a course's chunks, and the embedder the gate compares with."""

    def chunks_of(self, course_id: str) -> list[Chunk]:
        """Every indexed chunk of the course."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """Unit vectors of ``texts``."""
        ...

    def found(self, course_id: str, query: str, k: int) -> list[str]:
        """Ids of the top ``k`` chunks of the course search for ``query``."""
        ...


def run_generation(
    job_id: str, store: BlockingRepositories, source: CourseChunks, generator: QuestionGenerator
) -> dict[str, Any]:
    """Run job ``job_id`` to its end and return the job as stored; a finished job is returned as is."""
    repos = store.repos
    job = store.run(repos.question_jobs.get(job_id))
    if job is None:
        raise LookupError(f"question job {job_id} not found")
    if job["state"] in ("succeeded", "failed"):
        return job
    store.run(repos.drafts.delete_many({"job_id": job_id, "status": "draft"}))
    store.run(repos.question_jobs.set_fields(job_id, {"state": "running", "started_at": utcnow()}))
    try:
        fields = _generate(job, store, source, generator)
    except Exception:
        log.exception("question job %s failed", job_id)
        fields = {"state": "failed", "error": "question generation failed; try again (the worker log has the details)"}
    fields["finished_at"] = utcnow()
    store.run(repos.question_jobs.set_fields(job_id, fields))
    return {**job, **fields}


def _generate(
    job: Document, store: BlockingRepositories, source: CourseChunks, generator: QuestionGenerator
) -> dict[str, Any]:
    repos = store.repos
    course = store.run(repos.courses.get(job["course_id"]))
    if course is None or not is_live(course):
        return {"state": "failed", "error": "the course was deleted"}
    chunks = source.chunks_of(course["_id"])
    concepts = propose_concepts(chunks, structure=course_frame(course))
    passages = select_passages(chunks, job, course, concepts)
    if not passages:
        return {"state": "failed", "error": _nothing_indexed(job)}
    existing = [*_quiz_questions(course), *store.run(repos.drafts.questions_of_course(course["_id"]))]
    course_id = course["_id"]
    gate = QualityGate(
        source.embed,
        existing,
        leads_to_source=lambda c: c.chunk.id in source.found(course_id, c.prompt, RETRIEVABLE_AT),
    )
    kept: list[Candidate] = []
    rejected: Counter[str] = Counter()
    # Questions of one kind on one passage are alike ("all alike" is what users dislike in generated
    # sets): a passage gets another of a kind only when the material is short for the count asked.
    quota = max(1, math.ceil(3 * job["requested"] / len(passages)))
    used: Counter[tuple[str, str]] = Counter()
    for candidate in generator.generate(passages, chunks, job["requested"]):
        if len(kept) == job["requested"]:
            break
        # Two questions on one code listing share its setup and read alike: one per listing.
        code = candidate.kind.startswith("code")
        slot = (candidate.chunk.id, "code" if code else candidate.kind)
        reason = "same_passage" if used[slot] >= (1 if code else quota) else gate.check(candidate)
        if reason is None:
            kept.append(candidate)
            used[slot] += 1
        else:
            rejected[reason] += 1
    tags = SkillTagger(course, concepts)
    drafts = [_draft(c, job, generator.name, tags.skills(c.chunk)) for c in kept]
    store.run(repos.drafts.insert_many(drafts))
    return {
        "state": "succeeded",
        "generator": generator.name,
        "generated": len(kept) + sum(rejected.values()),
        "kept": len(drafts),
        "rejected": dict(rejected),
        "draft_ids": [d["_id"] for d in drafts],
        "error": None if drafts else "no candidate passed the quality checks; try more or other material",
    }


def course_frame(course: Document) -> list[str]:
    """The course's title and module titles: the frame every passage's heading path starts with."""
    return [course.get("title", ""), *(module.get("title", "") for module in course.get("modules", []))]


def select_passages(
    chunks: Sequence[Chunk], job: Document, course: Document, concepts: Sequence[Concept]
) -> list[Chunk]:
    """The chunks the job asked for: by lesson, by file and by skill (each filter only when given)."""
    picked = list(chunks)
    if job.get("lesson_id"):
        picked = [c for c in picked if c.lesson_id == job["lesson_id"]]
    if job.get("document_ids"):
        wanted = set(job["document_ids"])
        picked = [c for c in picked if c.document_id in wanted]
    if job.get("skills"):
        tagger = SkillTagger(course, concepts)
        wanted = set(job["skills"])
        picked = [c for c in picked if wanted & set(tagger.all_skills(c))]
    return picked


class SkillTagger:
    """Skills a passage teaches: the concepts the instructor accepted (or, before any, the proposed ones)
    whose passages include it, then the skills of the lesson it is attached to."""

    def __init__(self, course: Document, concepts: Sequence[Concept]) -> None:
        accepted = {c["id"] for c in course.get("concepts") or []}
        chosen = [c for c in concepts if c.id in accepted] if accepted else list(concepts)
        self.by_chunk: dict[str, list[str]] = {}
        for concept in chosen:
            for chunk_id in concept.chunk_ids:
                self.by_chunk.setdefault(chunk_id, []).append(concept.id)
        self.lesson_skills = {
            lesson["id"]: list(lesson.get("skills", []))
            for module in course.get("modules", [])
            for lesson in module.get("lessons", [])
        }

    def all_skills(self, chunk: Chunk) -> list[str]:
        """Every skill tag of ``chunk``, concepts first."""
        lesson = self.lesson_skills.get(chunk.lesson_id or "", [])
        return list(dict.fromkeys([*self.by_chunk.get(chunk.id, []), *lesson]))

    def skills(self, chunk: Chunk) -> list[str]:
        """The tags a draft from ``chunk`` gets (a few, most specific first)."""
        return self.all_skills(chunk)[:MAX_SKILLS_PER_DRAFT]


def _draft(candidate: Candidate, job: Document, generator: str, skills: list[str]) -> Document:
    now = utcnow()
    chunk = candidate.chunk
    return {
        "_id": new_id(),
        "course_id": job["course_id"],
        "job_id": job["_id"],
        "status": "draft",
        "lesson_id": chunk.lesson_id or job.get("lesson_id"),
        "prompt": candidate.prompt,
        "choices": list(candidate.choices),
        "answer": candidate.answer,
        "explanation": candidate.explanation,
        "skills": list(dict.fromkeys([*candidate.skills, *skills]))[:MAX_SKILLS_PER_DRAFT],
        "citation": chunk.citation(),
        "source_text": chunk.text,
        "support": candidate.support,
        "kind": candidate.kind,
        "generator": generator,
        "created_at": now,
        "updated_at": now,
    }


def _quiz_questions(course: Document) -> list[tuple[str, str | None]]:
    return [
        (question["prompt"], _correct(question))
        for module in course.get("modules", [])
        for lesson in module.get("lessons", [])
        for question in (lesson.get("quiz") or {}).get("questions", [])
    ]


def _nothing_indexed(job: Document) -> str:
    if job.get("lesson_id") or job.get("document_ids") or job.get("skills"):
        return "no indexed material matches this selection; upload material or widen the selection"
    return "the course has no indexed material yet; upload material first"


def _correct(question: Document) -> str | None:
    choices, answer = question.get("choices") or [], question.get("answer")
    return str(choices[answer]) if isinstance(answer, int) and 0 <= answer < len(choices) else None
