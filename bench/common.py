"""Shared benchmark helpers: ranking metrics, percentiles, stderr progress."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np


def log(message: str) -> None:
    """Progress line on stderr (stdout is reserved for the result)."""
    print(message, file=sys.stderr, flush=True)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))


def rank_metrics(ranked: Sequence[str], gold: set[str], cutoff: int = 10) -> dict[str, float]:
    """Recall@1/5/10, binary nDCG@10 and reciprocal rank (within the cutoff) for one query.

    Args:
        ranked: Retrieved ids, best first, without repeats.
        gold: Relevant ids.
        cutoff: Depth for nDCG and the reciprocal rank.
    """
    hits = [doc in gold for doc in ranked[:cutoff]]
    dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(hits) if hit)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(gold), cutoff)))
    first = next((i for i, hit in enumerate(hits) if hit), None)
    n_gold = max(len(gold), 1)
    return {
        "recall@1": sum(hits[:1]) / n_gold,
        "recall@5": sum(hits[:5]) / n_gold,
        "recall@10": sum(hits[:10]) / n_gold,
        "ndcg@10": dcg / ideal if ideal else 0.0,
        "mrr": 0.0 if first is None else 1.0 / (first + 1),
    }


def mean_metrics(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Average each metric over queries."""
    keys = rows[0].keys() if rows else []
    return {key: float(np.mean([r[key] for r in rows])) for key in keys}


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    ms = np.asarray(seconds, dtype=np.float64) * 1000.0
    return {
        "latency_ms_p50": float(np.percentile(ms, 50)) if ms.size else 0.0,
        "latency_ms_p95": float(np.percentile(ms, 95)) if ms.size else 0.0,
    }
