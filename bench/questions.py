"""Question generation from real material: how many drafts survive the gate, and are they sound?

``python -m bench.questions --material ../shared/data/python-docs-3.11/rst/tutorial --count 200 --json``

Builds a course from the material through the real ingestion pipeline (an in-memory SecantusDB,
chromadb in a temporary var dir, the MiniLM embedder), runs one generation job of ``--count`` drafts
with the offline generator exactly as the worker does (:func:`ingest.questions.job.run_generation`),
then measures the kept drafts:

- ``generated``: candidates the generator made; ``kept``: drafts stored (at most ``--count``);
- ``answer_supported`` / ``distractor_supported``: share of kept drafts whose correct choice is / any
  of whose distractors is supported by the source passage (the gate's own checks, re-run on the
  stored drafts);
- ``duplicate_share``: share of kept drafts whose prompt and answer are a near-duplicate (cosine
  >= ``DUPLICATE_COSINE``, a stricter bound than the gate's) of another kept draft's;
- ``retrievable_at_3``: share of kept drafts whose source passage is among the top 3 of the course
  search for the draft's prompt (the question can be answered from what a student finds);
- ``documents_covered``: share of the material's documents with at least one kept draft;
- ``seconds_per_question``: wall time of the job divided by the drafts kept.

``--show N`` prints N kept drafts (a seeded random sample) to stderr for grading by hand.
Tune on the tutorial only; the HOWTOs (``rst/howto``) are material of the same kind held out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import log
from ingest.questions.gate import answer_supported, distractor_supported
from ingest.questions.job import run_generation
from ingest.questions.local import LocalQuestionGenerator
from ingest.questions.source import IndexedCourse
from ingest.questions.types import Candidate
from retrieval.types import Chunk
from tutor.db import Document
from tutor.repositories.blocking import BlockingRepositories
from tutor.schemas.common import new_id, utcnow
from tutor.settings import Settings

DUPLICATE_COSINE = 0.95
DB_NAME = "bench_questions"


def material_files(folder: Path) -> list[tuple[str, bytes]]:
    """The folder's files; ``name.rst.txt`` (how Debian ships reST sources) is read as ``name.rst``."""
    from ingest.folder import collect_folder

    return [
        (name.removesuffix(".txt") if name.endswith(".rst.txt") else name, data)
        for name, data in collect_folder(folder)
    ]


async def _course(settings: Settings, title: str) -> str:
    from tutor.container import Services
    from tutor.db import Mongo
    from tutor.schemas.courses import CourseIn
    from tutor.services.principal import Principal

    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        await mongo.ensure_indexes()
        services = Services.build(mongo, settings)
        body = CourseIn(title=title, description="Benchmark course", category="programming", price=0, modules=[])
        course = await services.courses.create(body, Principal("bench-instructor", "instructor"))
        return str(course["id"])
    finally:
        await mongo.close()


def build_course(settings: Settings, folder: Path) -> tuple[str, int]:
    """A course holding the folder's material, ingested now; its id and how many documents it has."""
    from app.components import pipeline_for
    from ingest.local_run import LocalFile, ingest_local

    course_id = asyncio.run(_course(settings, f"Bench: {folder.name}"))
    files = [LocalFile(name, data, None) for name, data in material_files(folder)]
    summary = ingest_local(settings, pipeline_for(settings), course_id, files, progress=False)
    log(f"ingested {len(files)} files: {summary['chunks_total']} chunks ({summary['state']})")
    return course_id, len(files)


def run_job(store: BlockingRepositories, source: IndexedCourse, course_id: str, count: int) -> tuple[Document, float]:
    """One generation job of ``count`` drafts, as the worker runs it; the finished job and its wall time."""
    job_id = new_id()
    now = utcnow()
    job = {"_id": job_id, "course_id": course_id, "created_by": "bench", "state": "queued", "requested": count,
           "lesson_id": None, "document_ids": [], "skills": [], "generated": 0, "kept": 0, "rejected": {},
           "draft_ids": [], "generator": None, "error": None, "created_at": now, "updated_at": now}  # fmt: skip
    store.run(store.repos.question_jobs.insert(job))
    start = time.perf_counter()
    finished = run_generation(job_id, store, source, LocalQuestionGenerator())
    return finished, time.perf_counter() - start


def as_candidate(draft: Document, chunks: dict[str, Chunk]) -> Candidate:
    """A stored draft back as the candidate it was (for the gate's support checks)."""
    return Candidate(
        prompt=draft["prompt"],
        choices=tuple(draft["choices"]),
        answer=draft["answer"],
        explanation=draft["explanation"],
        kind=draft["kind"],
        chunk=chunks[draft["citation"]["chunk_id"]],
        support=draft.get("support", ""),
        skills=tuple(draft.get("skills", [])),
    )


def duplicate_share(drafts: list[Document], source: IndexedCourse) -> float:
    """Share of drafts whose prompt+answer is a near-duplicate of another draft's."""
    if len(drafts) < 2:
        return 0.0
    texts = [f"{d['prompt']}\n{d['choices'][d['answer']]}" for d in drafts]
    vectors = np.asarray(source.embed(texts), dtype=np.float32)
    similar = vectors @ vectors.T
    np.fill_diagonal(similar, -1.0)
    return float((similar.max(axis=1) >= DUPLICATE_COSINE).mean())


def measure(folder: Path, count: int, show: int, seed: int) -> dict[str, Any]:
    """Build the course, run the job, and score the kept drafts."""
    from app.components import retrieval_for
    from app.embedded.services import start_mongo

    mongo, mongodb_url = start_mongo(":memory:")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-questions-") as var:
            settings = Settings(env="test", var_dir=Path(var), mongodb_url=mongodb_url, mongodb_db=DB_NAME,
                                chroma_url=None, s3_bucket=None, jwt_secret="bench-questions-" + "q" * 40)  # fmt: skip
            course_id, documents = build_course(settings, folder)
            retrieval = retrieval_for(settings)
            source = IndexedCourse(retrieval)
            store = BlockingRepositories(mongodb_url, DB_NAME)
            try:
                job, seconds = run_job(store, source, course_id, count)
                drafts = store.run(store.repos.drafts.of_course(course_id, "draft", limit=0))
            finally:
                store.close()
            chunks = {c.id: c for c in source.chunks_of(course_id)}
            candidates = [as_candidate(d, chunks) for d in drafts]
            found = [
                any(hit.chunk.id == c.chunk.id for hit in retrieval.search(course_id, c.prompt, k=3))
                for c in candidates
            ]
            if show:
                _show(drafts, show, seed)
    finally:
        mongo.stop()
    kept = len(drafts)
    share = (lambda n: round(n / kept, 3)) if kept else (lambda n: 0.0)
    return {
        "generated": job.get("generated", 0),
        "kept": kept,
        "answer_supported": share(sum(answer_supported(c) for c in candidates)),
        "distractor_supported": share(sum(distractor_supported(c) for c in candidates)),
        "duplicate_share": round(duplicate_share(drafts, source), 3) if kept else 0.0,
        "retrievable_at_3": share(sum(found)),
        "documents_covered": round(len({c.chunk.document_id for c in candidates}) / max(documents, 1), 3),
        "seconds_per_question": round(seconds / kept, 3) if kept else None,
        "requested": count,
        "rejected": job.get("rejected", {}),
        "kinds": {kind: sum(c.kind == kind for c in candidates) for kind in sorted({c.kind for c in candidates})},
        "retrievable_by_kind": {
            kind: round(sum(f for c, f in zip(candidates, found, strict=True) if c.kind == kind) / n, 3)
            for kind, n in Counter(c.kind for c in candidates).items()
        },
        "state": job["state"],
    }


def _show(drafts: list[Document], n: int, seed: int) -> None:
    for i, draft in enumerate(random.Random(seed).sample(drafts, min(n, len(drafts))), 1):
        log(f"\n=== {i}. [{draft['kind']}] {' › '.join(draft['citation']['heading_path'][1:])}")
        log(draft["prompt"])
        for j, choice in enumerate(draft["choices"]):
            log(f"  {'*' if j == draft['answer'] else ' '} {chr(65 + j)}. {choice}")
        log(f"  explanation: {draft['explanation']}")


def main(argv: list[str] | None = None) -> None:
    """Command line: ``--material DIR --count N [--show N --seed S] [--json]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--material", type=Path, required=True, help="folder of course material")
    parser.add_argument("--count", type=int, default=200, help="drafts to ask for")
    parser.add_argument("--show", type=int, default=0, help="print this many kept drafts to stderr")
    parser.add_argument("--seed", type=int, default=7, help="seed of the --show sample")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    args = parser.parse_args(argv)
    result = measure(args.material, args.count, args.show, args.seed)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
