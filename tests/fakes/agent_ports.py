"""In-memory ports and a fast deterministic embedder for agent tests."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.deps import PortError, TutorDeps, TutorUser
from retrieval.coverage import TermCoverage, term_coverage
from retrieval.lexical import BM25Index, analyze
from retrieval.types import Chunk, SearchHit
from tutor.text import content_words


class HashEmbedder:
    """Bag-of-stemmed-words feature hashing: cosine = shared content words. Fast and deterministic."""

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim
        self.calls = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in content_words(text) or ["<empty>"]:
                out[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        return out


COURSES = [
    {
        "id": "c-python",
        "title": "Intro to Python",
        "description": "Variables, loops and functions.",
        "category": "programming",
        "difficulty_level": "beginner",
        "tags": ["python"],
    },
    {
        "id": "c-ml",
        "title": "Machine Learning Basics",
        "description": "Regression and classification.",
        "category": "data",
        "difficulty_level": "intermediate",
        "tags": ["ml"],
    },
    {
        "id": "c-hist",
        "title": "World History",
        "description": "Empires and revolutions.",
        "category": "humanities",
        "difficulty_level": "beginner",
        "tags": [],
    },
]

PYTHON_CHUNKS = [
    Chunk(
        id="d1:0",
        course_id="c-python",
        document_id="d1",
        ordinal=0,
        source_name="loops.md",
        heading_path=("Intro to Python", "Loops"),
        lesson_id="l-loops",
        text="A for loop repeats a block of code once for each item in a sequence. "
        "The range function produces a sequence of numbers for counting loops.",
    ),
    Chunk(
        id="d2:0",
        course_id="c-python",
        document_id="d2",
        ordinal=0,
        source_name="functions.md",
        heading_path=("Intro to Python", "Functions"),
        lesson_id="l-functions",
        text="A function is defined with the def keyword followed by its name and parameters. "
        "The return statement sends a value back to the caller.",
    ),
    Chunk(
        id="d3:0",
        course_id="c-ml",
        document_id="d3",
        ordinal=0,
        source_name="regression.md",
        text="Linear regression fits a straight line that minimises the squared error.",
    ),
]


class MemoryCatalog:
    def __init__(self, courses: list[dict[str, Any]] | None = None) -> None:
        self.courses = list(COURSES if courses is None else courses)

    async def list_courses(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        return [c for c in self.courses if all(c.get(k) == v for k, v in filters.items() if k != "search")]

    async def course_title(self, course_id: str) -> str | None:
        return next((str(c["title"]) for c in self.courses if c["id"] == course_id), None)


class MemoryEnrollment:
    def __init__(self, catalog: MemoryCatalog) -> None:
        self.catalog = catalog
        self.enrollments: set[tuple[str, str]] = set()

    async def enroll(self, user_id: str, course_id: str) -> dict[str, Any]:
        if course_id not in {c["id"] for c in self.catalog.courses}:
            raise PortError("not_found", "course not found")
        if (user_id, course_id) in self.enrollments:
            raise PortError("conflict", "you are already enrolled in this course")
        self.enrollments.add((user_id, course_id))
        return {"user_id": user_id, "course_id": course_id, "status": "active"}


class MemoryProgress:
    def __init__(self) -> None:
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.asked_for: list[str] = []

    async def get_progress(self, user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        self.asked_for.append(user_id)
        rows = self.records.get(user_id, [])
        return [r for r in rows if course_id in (None, r.get("course_id"))]


@dataclass
class MemoryMaterial:
    """Scores chunks with the hash embedder; only courses in ``readable`` (per user) are searched."""

    chunks: list[Chunk] = field(default_factory=lambda: list(PYTHON_CHUNKS))
    readable: dict[str, set[str]] | None = None
    embedder: HashEmbedder = field(default_factory=HashEmbedder)
    calls: list[tuple[str, str, str | None]] = field(default_factory=list)

    async def search(self, user_id: str, query: str, course_id: str | None, k: int) -> list[SearchHit]:
        self.calls.append((user_id, query, course_id))
        pool = [c for c in self.chunks if course_id in (None, c.course_id)]
        if self.readable is not None:
            pool = [c for c in pool if c.course_id in self.readable.get(user_id, set())]
        if not pool:
            return []
        vectors = self.embedder.embed_queries([query] + [c.text for c in pool])
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        sims = vectors[1:] @ vectors[0]
        order = np.argsort(-sims, kind="stable")[:k]
        return [SearchHit(chunk=pool[i], score=float(sims[i]), rank=r) for r, i in enumerate(order)]

    async def coverage(self, user_id: str, query: str, course_id: str | None) -> list[TermCoverage]:
        pool = [c for c in self.chunks if course_id in (None, c.course_id)]
        index = BM25Index([analyze(" ".join(c.heading_path) + "\n" + c.text) for c in pool])
        return term_coverage(index, query)


class MemoryLearner:
    async def get_recommendations(self, user_id: str) -> dict[str, Any]:
        return {"items": [{"title": "Functions"}]}

    async def get_weak_areas(self, user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        return [{"name": "loops"}]


@dataclass
class FakeWorld:
    """A user's deps plus handles on the stores behind them."""

    deps: TutorDeps
    catalog: MemoryCatalog
    enrollment: MemoryEnrollment
    progress: MemoryProgress
    material: MemoryMaterial


def make_world(user_id: str = "student-1", chunks: list[Chunk] | None = None, learner: bool = False) -> FakeWorld:
    """Deps for ``user_id`` over fresh in-memory stores."""
    catalog = MemoryCatalog()
    enrollment = MemoryEnrollment(catalog)
    progress = MemoryProgress()
    material = MemoryMaterial(chunks=list(PYTHON_CHUNKS if chunks is None else chunks))
    deps = TutorDeps(
        user=TutorUser(id=user_id, role="student", email=f"{user_id}@example.org", full_name="Test Student"),
        catalog=catalog,
        enrollment=enrollment,
        progress=progress,
        material=material,
        learner=MemoryLearner() if learner else None,
    )
    return FakeWorld(deps, catalog, enrollment, progress, material)
