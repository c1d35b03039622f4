"""Hybrid ranking: z-normalised convex fusion of BM25 and dense scores, then per-document capping.

Scores of the two rankers live on unrelated scales; standardising each over the searched chunks
(z-scores) makes a single weight meaningful across queries and courses. Measured on the Disfl-QA
dev split this beats reciprocal-rank fusion, which throws away how far ahead the leader is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from retrieval.config import RetrievalConfig
from retrieval.index import CourseIndex
from retrieval.lexical.bm25 import pooled_idf
from retrieval.query import ParsedQuery
from retrieval.types import SearchHit
from tutor.text import stem, topic_words

Mode = Literal["hybrid", "lexical", "dense"]


def zscore(scores: np.ndarray) -> np.ndarray:
    """Standardise scores to mean 0, deviation 1 (all-equal scores become zeros)."""
    if scores.size == 0:
        return scores
    std = float(scores.std())
    return (scores - scores.mean()) / std if std > 1e-12 else np.zeros_like(scores)


def fuse(z_lexical: np.ndarray, z_dense: np.ndarray, dense_weight: float) -> np.ndarray:
    """Convex combination of standardised lexical and dense scores (see :func:`zscore`)."""
    return (1.0 - dense_weight) * z_lexical + dense_weight * z_dense


def query_terms(parsed: ParsedQuery) -> dict[str, float]:
    """Weighted lexical query terms: content words of the question, editing phrases dropped.

    The words before a self-correction keep full weight: in measurements, the abandoned wording
    usually names something from the same passage, so down-weighting it lost more than it gained.
    """
    terms = {stem(w): 1.0 for part in (parsed.before, parsed.after) for w in topic_words(part)}
    return terms | dict.fromkeys(parsed.operators, 1.0)


def diversify(order: Sequence[int], document_ids: np.ndarray, k: int, cap: int) -> list[int]:
    """The first ``k`` rows of ``order`` keeping at most ``cap`` rows per document."""
    taken: list[int] = []
    per_doc: dict[str, int] = {}
    for row in order:
        doc = str(document_ids[row])
        if per_doc.get(doc, 0) >= cap:
            continue
        per_doc[doc] = per_doc.get(doc, 0) + 1
        taken.append(int(row))
        if len(taken) == k:
            break
    return taken


def _top(scores: np.ndarray, depth: int) -> np.ndarray:
    """Positions of the ``depth`` highest scores, best first (ties keep index order)."""
    top = np.argpartition(-scores, depth - 1)[:depth] if depth < len(scores) else np.arange(len(scores))
    ordered: np.ndarray = top[np.argsort(-scores[top], kind="stable")]
    return ordered


@dataclass(frozen=True, slots=True)
class Scale:
    """Mean and deviation of the lexical and dense scores a fusion standardises against."""

    lexical_mean: float
    lexical_std: float
    dense_mean: float
    dense_std: float

    @classmethod
    def of(cls, lexical: np.ndarray, dense: np.ndarray) -> Scale:
        """The statistics of these scores (a deviation of zero becomes one: all-equal scores add nothing)."""
        lex_std, dense_std = float(lexical.std()), float(dense.std())
        return cls(
            float(lexical.mean()), lex_std if lex_std > 1e-12 else 1.0, float(dense.mean()), dense_std or 1.0
        )


def _hybrid(
    index: CourseIndex,
    rows: np.ndarray,
    lexical: np.ndarray,
    whole: np.ndarray,
    query_vector: np.ndarray | None,
    depth: int,
    config: RetrievalConfig,
    scale: Scale,
) -> tuple[np.ndarray, np.ndarray]:
    """Fused scores (positions into ``rows``) and the ``depth`` best positions.

    Fusion runs on whole-passage dense scores for every chunk, then the best
    ``config.refine_depth`` get their dense score refined with sentence vectors and are re-fused.
    Both rankers are standardised with ``scale`` (the whole-passage statistics of everything
    searched), so refined and unrefined scores, and several courses' scores, stay on one scale.
    """
    z_lex = (lexical - scale.lexical_mean) / scale.lexical_std
    weight = config.dense_weight
    scores = fuse(z_lex, (whole - scale.dense_mean) / scale.dense_std, weight)
    candidates = _top(scores, min(len(scores), max(depth, config.refine_depth)))
    if query_vector is not None:
        refined = index.refine_dense(rows[candidates], whole[candidates], query_vector, config.part_weight)
        scores = scores.copy()
        scores[candidates] = fuse(z_lex[candidates], (refined - scale.dense_mean) / scale.dense_std, weight)
    return scores, candidates[np.argsort(-scores[candidates], kind="stable")][:depth]


def rank(
    index: CourseIndex,
    parsed: ParsedQuery,
    query_vector: np.ndarray | None,
    k: int,
    config: RetrievalConfig,
    lesson_id: str | None = None,
    mode: Mode = "hybrid",
) -> list[SearchHit]:
    """Rank the chunks of one course for a query.

    Args:
        index: The course's index.
        parsed: The parsed question.
        query_vector: Unit query embedding (may be None in ``lexical`` mode).
        k: Number of hits wanted.
        config: Retrieval parameters.
        lesson_id: Restrict to chunks of this lesson.
        mode: ``hybrid`` (ours), or one ranker alone (baselines).

    Returns:
        Up to ``k`` hits, best first.
    """
    if len(index) == 0 or k <= 0:
        return []
    rows = np.arange(len(index)) if lesson_id is None else np.flatnonzero(index.lesson_ids == lesson_id)
    if rows.size == 0:
        return []
    lexical = index.lexical_scores(query_terms(parsed))[rows] if mode != "dense" else None
    dense = None
    if mode != "lexical":
        if query_vector is None:
            raise ValueError("a query vector is needed for dense scoring")
        dense = index.dense_scores(query_vector)[rows]
    scale = Scale.of(lexical, dense) if lexical is not None and dense is not None else None
    return _ranked(index, rows, lexical, dense, query_vector, k, config, scale)


def rank_many(
    indexes: Sequence[CourseIndex], parsed: ParsedQuery, query_vector: np.ndarray, k: int, config: RetrievalConfig
) -> list[SearchHit]:
    """Hybrid ranking of several courses' passages as one collection: the best ``k`` overall.

    Term idfs count every searched passage, and each ranker is standardised over all of them, not
    course by course: per course, a word the question shares with one passage of a course that
    barely touches the topic is rare there, and that passage stands as far above its course's mean
    as the best passage of the course that answers the question, so it could outrank it.
    """
    indexes = [index for index in indexes if len(index)]
    if not indexes or k <= 0:
        return []
    terms = query_terms(parsed)
    idfs = pooled_idf([index.bm25 for index in indexes], terms)
    lexical = [index.lexical_scores(terms, idfs) for index in indexes]
    dense = [index.dense_scores(query_vector) for index in indexes]
    scale = Scale.of(np.concatenate(lexical), np.concatenate(dense))
    hits = [
        hit
        for index, lex, den in zip(indexes, lexical, dense, strict=True)
        for hit in _ranked(index, np.arange(len(index)), lex, den, query_vector, k, config, scale)
    ]
    hits.sort(key=lambda hit: hit.score, reverse=True)
    return [replace(hit, rank=n + 1) for n, hit in enumerate(hits[:k])]


def _ranked(
    index: CourseIndex,
    rows: np.ndarray,
    lexical: np.ndarray | None,
    dense: np.ndarray | None,
    query_vector: np.ndarray | None,
    k: int,
    config: RetrievalConfig,
    scale: Scale | None,
) -> list[SearchHit]:
    """The best ``k`` of ``rows`` by their scores (fused when both rankers ran), capped per document."""
    depth = min(len(rows), max(k * (config.max_per_document + 1), 50))
    if lexical is not None and dense is not None:
        assert scale is not None
        scores, top = _hybrid(index, rows, lexical, dense, query_vector, depth, config, scale)
    else:
        single = lexical if lexical is not None else dense
        assert single is not None
        scores, top = single, _top(single, depth)
    picked = diversify(rows[top].tolist(), index.document_ids, k, config.max_per_document)
    position = {int(r): i for i, r in enumerate(rows[top])}
    hits = []
    for n, row in enumerate(picked):
        i = position[row]
        detail = {"fused": float(scores[top[i]])}
        if lexical is not None:
            detail["bm25"] = float(lexical[top[i]])
        if dense is not None:
            detail["dense"] = float(dense[top[i]])
        hits.append(SearchHit(index.chunks[row], float(scores[top[i]]), n + 1, detail))
    return hits
