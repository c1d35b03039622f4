"""Retrieval defaults in one place (tuned once on the Disfl-QA dev split; see bench/retrieval.py).

Few parameters, all general: BM25 saturation/length normalisation, the weight of the dense
score in the fusion, how deep each ranker's candidate list goes, the per-document cap and whether
self-corrections are cleaned up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetrievalConfig:
    """Search parameters.

    Attributes:
        k1: BM25 term-frequency saturation (low: matching many distinct terms matters more
            than repeating one).
        b: BM25 length normalisation.
        dense_weight: Weight of the dense score in the convex fusion of z-normalised scores.
        part_weight: Share of the best sub-passage (sentence) score in a chunk's dense score.
        refine_depth: How many fused candidates get their dense score refined with sentence vectors.
        max_per_document: At most this many passages of one document in a result list.
        index_headings: Index the heading path with the passage text in the lexical index.
        clean_disfluencies: Drop the editing phrases of self-corrected questions ("X no sorry Y")
            from the lexical query (see retrieval/query.py); off, every word is a query term.
    """

    k1: float = 0.7
    b: float = 0.35
    dense_weight: float = 0.6
    part_weight: float = 0.7
    refine_depth: int = 200
    max_per_document: int = 2
    index_headings: bool = True
    clean_disfluencies: bool = True


DEFAULT_CONFIG = RetrievalConfig()
