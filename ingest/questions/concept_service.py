"""Concepts of a course from its material, proposed to the instructor and accepted as skill tags.

A course whose author wrote no skill tags gets them here: the proposals come from the indexed
material (section headings and defined terms, see :func:`ingest.questions.concepts.propose_concepts`),
each with the passages that teach it. Accepted concepts are stored on the course (``concepts``) with
their display names in ``skill_names``; generated drafts are tagged with them, so knowledge tracing and
weak areas name them like any authored skill.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ingest.questions.concepts import Concept, propose_concepts
from ingest.questions.job import course_frame
from retrieval.types import Chunk
from tutor.cpu import run_cpu
from tutor.db import Document
from tutor.errors import InvalidInput, NotFound
from tutor.repositories.courses import CourseRepository
from tutor.schemas.drafts import ConceptsIn
from tutor.services.courses import CourseService
from tutor.services.principal import Principal

PASSAGES_SHOWN = 3


class ConceptService:
    """Proposes a course's concepts and stores the ones its instructor accepts."""

    def __init__(self, courses: CourseService, repository: CourseRepository, chunks: Callable[[str], list[Chunk]]):
        self.courses = courses
        self.repository = repository
        self.chunks = chunks

    async def proposals(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """Concepts proposed from the material (accepted ones marked), then accepted ones no longer proposed."""
        course = await self.courses.owned(course_id, principal)
        chunks, concepts = await run_cpu(self._propose, course_id, course_frame(course))
        return {"items": _items(course, chunks, concepts)}

    async def accept(self, principal: Principal, course_id: str, data: ConceptsIn) -> dict[str, Any]:
        """Make exactly ``data.concepts`` the course's accepted concepts (names become skill names)."""
        course = await self.courses.owned(course_id, principal)
        ids = [c.id for c in data.concepts]
        if len(set(ids)) != len(ids):
            raise InvalidInput("each concept id may appear once")
        previous = {c["id"] for c in course.get("concepts") or []}
        names = {k: v for k, v in (course.get("skill_names") or {}).items() if k not in previous}
        names.update({c.id: c.name for c in data.concepts})
        fields = {"concepts": [{"id": c.id, "name": c.name} for c in data.concepts], "skill_names": names}
        stored = await self.repository.set_fields(course_id, fields)
        if stored is None:
            raise NotFound("course not found")
        return await self.proposals(principal, course_id)

    def _propose(self, course_id: str, frame: list[str]) -> tuple[dict[str, Chunk], list[Concept]]:
        chunks = self.chunks(course_id)
        return {c.id: c for c in chunks}, propose_concepts(chunks, structure=frame)


def _items(course: Document, chunks: dict[str, Chunk], concepts: Sequence[Concept]) -> list[dict[str, Any]]:
    accepted = {c["id"]: c["name"] for c in course.get("concepts") or []}
    items = [
        {
            "id": concept.id,
            "name": accepted.get(concept.id, concept.name),
            "passages": [_passage(chunks[i]) for i in concept.chunk_ids[:PASSAGES_SHOWN] if i in chunks],
            "accepted": concept.id in accepted,
        }
        for concept in concepts
    ]
    proposed = {concept.id for concept in concepts}
    items += [
        {"id": cid, "name": name, "passages": [], "accepted": True}
        for cid, name in accepted.items()
        if cid not in proposed
    ]
    return items


def _passage(chunk: Chunk) -> dict[str, Any]:
    return {"chunk_id": chunk.id, "text": chunk.text, "citation": chunk.citation()}
