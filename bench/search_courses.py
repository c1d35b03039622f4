"""Searching every course a student takes at once (the chat with no course open): ours vs the per-course merge.

    python -m bench.search_courses --json

The sample catalogue's three courses are ingested each under its own id, as the worker does. Each
question (our own students' questions about the sample lessons: the chat set's in-course questions and
the typed retrieval set) is asked of all three courses together, k=10, and scored against its gold
lesson file by nDCG@10 and recall@1, per split (``test`` was never tuned on):

- ``ours``: ``RetrievalService.search_many``, every course's passages ranked as one collection (term
  idfs and score standardisation over all of them);
- ``per_course``: the baseline it replaced, each course ranked on its own and the hits merged by score;
- ``course_known``: the question's own course searched alone, the reference for a search that knew
  which course the student meant (not an upper bound: one course's ranking can still miss).

Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.chat_courses import sample_courses
from bench.common import log, rank_metrics, read_jsonl, unique
from retrieval.service import RetrievalService
from retrieval.types import SearchHit

DATA = Path(__file__).parent / "data"
SETS = {"in_course": DATA / "chat_in_course.jsonl", "typed": DATA / "retrieval_typed.jsonl"}
METRICS = ("ndcg@10", "recall@1")
Search = Callable[[str, str], list[SearchHit]]


def systems(service: RetrievalService, courses: list[str], k: int = 10) -> dict[str, Search]:
    """The compared searches, each ``(question, its course) -> hits``."""

    def per_course(question: str, _course: str) -> list[SearchHit]:
        hits = [hit for course in courses for hit in service.search(course, question, k)]
        return sorted(hits, key=lambda hit: hit.score, reverse=True)[:k]

    return {
        "ours": lambda question, _course: service.search_many(courses, question, k),
        "per_course": per_course,
        "course_known": lambda question, course: service.search(course, question, k),
    }


def questions(courses: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Each set's questions about the sample courses, with ``course`` and ``gold`` (gold lesson files).

    Args:
        courses: Lesson id -> course id, for the typed set (whose gold is lesson ids).
    """
    in_course = [
        {**row, "gold": {f"{row['course']}/{row['gold_source']}"}}
        for row in read_jsonl(SETS["in_course"])
        if row["course"] in set(courses.values())
    ]
    typed = [
        {**row, "course": courses[row["gold_ids"][0]], "gold": set(row["gold_ids"])}
        for row in read_jsonl(SETS["typed"])
    ]
    return {"in_course": in_course, "typed": typed}


def score(searches: dict[str, Search], rows: list[dict[str, Any]], by_lesson: bool) -> dict[str, Any]:
    """Mean metrics per split and system (a hit counts by its lesson id, or by its course's file)."""
    values: dict[tuple[str, str, str], list[float]] = {}
    for row in rows:
        for name, search in searches.items():
            hits = search(row["question"], row["course"])
            found = unique(
                str(hit.chunk.lesson_id) if by_lesson else f"{hit.chunk.course_id}/{hit.chunk.source_name}"
                for hit in hits
            )
            metrics = rank_metrics(found, row["gold"])
            for metric in METRICS:
                values.setdefault((row["split"], name, metric), []).append(metrics[metric])
    out: dict[str, Any] = {}
    for (split, name, metric), got in sorted(values.items()):
        out.setdefault(split, {"n": len(got)}).setdefault(name, {})[metric] = round(float(np.mean(got)), 4)
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the JSON result last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/agent_cache"), help="built indexes")
    parser.add_argument("--json", action="store_true", help="print only the JSON summary line")
    args = parser.parse_args(argv)

    from retrieval.embedder.minilm import MiniLMEmbedder
    from tutor.seed import material_files

    course_of = {lesson_id: course_id for course_id, lesson_id, _, _ in material_files()}
    log("ingesting the sample courses (cached)")
    service = sample_courses(MiniLMEmbedder(), args.cache_dir)
    searches = systems(service, sorted(set(course_of.values())))
    result = {}
    for name, rows in questions(course_of).items():
        log(f"{name}: {len(rows)} questions")
        result[name] = score(searches, rows, by_lesson=name == "typed")
        if not args.json:
            log(json.dumps(result[name], indent=2))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
