"""Score fusion and per-document diversity."""

from __future__ import annotations

import numpy as np

from retrieval.hybrid import diversify, fuse, zscore


def test_zscore_is_scale_free_and_safe_on_constant_scores() -> None:
    a = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(zscore(a), zscore(a * 100 + 7))
    assert not zscore(np.full(4, 3.0)).any()


def test_fusion_prefers_the_passage_both_rankers_like() -> None:
    lexical = np.array([9.0, 0.0, 7.0, 0.5])  # doc 0 lexical-only, doc 2 good in both
    dense = np.array([0.1, 0.9, 0.8, 0.2])  # doc 1 dense-only
    fused = fuse(zscore(lexical), zscore(dense), dense_weight=0.5)
    assert int(np.argmax(fused)) == 2


def test_fusion_weight_extremes_reduce_to_one_ranker() -> None:
    lexical = np.array([3.0, 1.0, 2.0])
    dense = np.array([0.1, 0.9, 0.5])
    assert list(np.argsort(-fuse(zscore(lexical), zscore(dense), 0.0))) == [0, 2, 1]
    assert list(np.argsort(-fuse(zscore(lexical), zscore(dense), 1.0))) == [1, 2, 0]


def test_diversify_caps_passages_per_document() -> None:
    docs = np.array(["a", "a", "a", "b", "a", "c"], dtype=object)
    assert diversify([0, 1, 2, 3, 4, 5], docs, k=4, cap=2) == [0, 1, 3, 5]
