"""Content gaps: do paraphrases of one missing topic land in one gap, and different topics apart?

``python -m bench.content_gaps [--threshold T] --json``. Questions a Python course does not cover, written
as students type them, grouped by topic (``bench/data/content_gap_questions.jsonl``). The dev split
picks the similarity threshold (a sweep is reported); the test split, never tuned on, is the result.
Pairwise precision (two questions in one gap share a topic), recall (two questions of a topic share a gap)
and F1, plus whether the number of gaps matches the number of topics, side by side with two baselines:
``per_question`` (one gap per distinct question: the plain list an instructor reads today) and ``keyword``
(questions grouped by their rarest content word, a lexical grouping with no embeddings).
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from agents.providers.local.embedding import unit_vectors
from bench.common import log, read_jsonl
from retrieval.embedder.minilm import MiniLMEmbedder
from tutor.services.gap_clusters import SAME_TOPIC, group
from tutor.text import content_words

DATA = Path(__file__).parent / "data" / "content_gap_questions.jsonl"
SWEEP = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def pairwise(groups: list[list[int]], topics: list[str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of ``groups`` (indices) against the gold ``topics``."""
    gap_of = {i: g for g, members in enumerate(groups) for i in members}
    tp = fp = fn = 0
    for a, b in combinations(range(len(topics)), 2):
        same_gap, same_topic = gap_of[a] == gap_of[b], topics[a] == topics[b]
        tp += same_gap and same_topic
        fp += same_gap and not same_topic
        fn += same_topic and not same_gap
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "gaps": len(groups), "topics": len(set(topics))}  # fmt: skip


def ours(vectors: Any, threshold: float) -> list[list[int]]:
    """Our grouping (as the content-gap report does it) of the questions' unit embeddings."""
    return group(vectors, threshold)


def keyword(rows: list[dict[str, Any]]) -> list[list[int]]:
    """Baseline: each question under its rarest content word (ties: the first)."""
    words = [content_words(r["question"]) for r in rows]
    df = Counter(w for ws in words for w in set(ws))
    groups: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        key = min(ws, key=lambda w: (df[w] == 1, -df[w])) if ws else f"#{i}"
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=SAME_TOPIC, help="cosine threshold for the test split")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args()
    rows = read_jsonl(DATA)
    embedder = MiniLMEmbedder()
    result: dict[str, Any] = {"threshold": args.threshold}
    for split in ("dev", "test"):
        part = [r for r in rows if r["split"] == split]
        topics = [r["topic"] for r in part]
        vectors = unit_vectors(embedder, [r["question"] for r in part])
        report = {
            "ours": pairwise(ours(vectors, args.threshold), topics),
            "per_question": pairwise([[i] for i in range(len(part))], topics),
            "keyword": pairwise(keyword(part), topics),
            "questions": len(part),
        }
        if split == "dev":
            report["sweep"] = {str(t): pairwise(ours(vectors, t), topics)["f1"] for t in SWEEP}
        result[split] = report
        log(f"{split}: {report}")
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
