"""Fit the offline tutor's answerability model on the dev split of the chat question sets.

Every dev in-course question (should be answered) and near-topic question (should be declined) is
retrieved and composed exactly as a chat turn does, with the answer-or-decline decision's facts kept
(:class:`agents.providers.local.answerability.Evidence`). An L2-regularised logistic regression is
fitted on them (Newton's method), and the probability threshold is the one that maximises the worse
of ``answered - 0.90`` and ``declined - 0.85`` on dev (ties: the larger sum). Questions naming a
technology the course never mentions are left out: they are always declined.

    python -m bench.fit_answerability --json

The last stdout line is JSON with ``weights``, ``bias``, ``threshold`` and the dev rates; paste the
printed ``Answerability(...)`` into ``DEFAULT_ANSWERABILITY``. Never fit on the test split.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from agents.providers.local.answerability import FEATURES, Evidence
from agents.providers.local.compose import ComposerConfig, compose
from agents.providers.local.embedding import CachedQueryEmbedder
from agents.providers.local.lexicon import names_technology
from agents.providers.local.salience import salience
from bench.chat_eval import Courses, build_courses, split_rows

L2 = 0.01
ANSWERED_TARGET = 0.90
DECLINED_TARGET = 0.85


def facts(courses: Courses, queries: CachedQueryEmbedder, row: dict[str, Any]) -> Evidence | None:
    """Decision facts of one question, or ``None`` when a technology name decides it (or nothing is retrieved)."""
    service = courses.tutorial if row["course"] == "pytutorial" else courses.sample
    hits = service.search(row["course"], row["question"], 5)
    coverage = service.term_coverage(row["course"], row["question"])
    if any(names_technology(w) for w in salience(row["question"], coverage, queries).absent):
        return None
    composed = compose(row["question"], hits, list(range(1, len(hits) + 1)), queries,
                       replace(ComposerConfig(), answerability=None), coverage=coverage)
    return composed.evidence


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method; features standardised inside."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.diag([l2 * len(x)] * (z.shape[1] - 1) + [0.0])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = z.T @ (z * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = w[:-1] / std
    return weights, float(w[-1] - (weights * mean).sum())


def choose_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Threshold maximising the worse target margin; returns it with the answered and declined rates."""
    best: tuple[tuple[float, float], float, float, float] | None = None
    for t in np.arange(0.30, 0.91, 0.01):
        answered = float((p[y == 1] >= t).mean())
        declined = float((p[y == 0] < t).mean())
        key = (min(answered - ANSWERED_TARGET, declined - DECLINED_TARGET), answered + declined)
        if best is None or key > best[0]:
            best = (key, round(float(t), 2), answered, declined)
    assert best is not None
    return best[1], best[2], best[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/agent_cache"))
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    from retrieval.embedder.minilm import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    queries = CachedQueryEmbedder(embedder)
    courses = build_courses(args.data_dir, embedder, args.cache_dir)
    rows = [(r, 1) for r in split_rows("chat_in_course.jsonl", "dev")]
    rows += [(r, 0) for r in split_rows("chat_near_topic.jsonl", "dev")]
    found = [(facts(courses, queries, r), label) for r, label in rows]
    measured = [(f, label) for f, label in found if f is not None]
    x = np.array([f.vector() for f, _ in measured])
    y = np.array([label for _, label in measured], dtype=float)
    weights, bias = fit(x, y)
    # The rates count every question: one naming an absent technology is declined whatever the model says.
    p = np.array([1.0 / (1.0 + np.exp(-(np.dot(f.vector(), weights) + bias))) if f else 0.0 for f, _ in found])
    labels = np.array([label for _, label in found], dtype=float)
    threshold, answered, declined = choose_threshold(p, labels)
    literal = (f"Answerability(weights=({', '.join(f'{w:.4f}' for w in weights)}), "
               f"bias={bias:.4f}, threshold={threshold})")
    print(f"features {FEATURES}\n{literal}")
    summary = {"weights": [round(float(w), 4) for w in weights], "bias": round(bias, 4), "threshold": threshold,
               "dev_answered": round(answered, 3), "dev_declined": round(declined, 3),
               "n_in_course": int(labels.sum()), "n_near_topic": int(len(labels) - labels.sum()),
               "n_fitted": len(y)}
    print(json.dumps(summary) if args.json else summary)


if __name__ == "__main__":
    main()
