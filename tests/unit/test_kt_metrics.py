"""Evaluator metrics on inputs with known answers."""

import math

import numpy as np
import pytest

from recommender.kt.metrics import auc, ece, rmse


def test_auc_known_values() -> None:
    assert auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert auc([0, 1], [0.5, 0.5]) == 0.5
    # pairs (pos, neg): (0.4 vs 0.1) win, (0.4 vs 0.6) loss, (0.7, 0.1) win, (0.7, 0.6) win -> 3/4
    assert auc([1, 0, 1, 0], [0.4, 0.1, 0.7, 0.6]) == pytest.approx(0.75)
    assert math.isnan(auc([1, 1], [0.2, 0.3]))


def test_rmse_and_ece_known_values() -> None:
    assert rmse([1, 0], [0.5, 0.5]) == pytest.approx(0.5)
    # all predictions 0.7 in one bin with 50% positives -> ECE 0.2
    assert ece([1, 0, 1, 0], [0.7] * 4) == pytest.approx(0.2)
    # two bins: {0.1 with label 0} gap 0.1, {0.9 with label 1} gap 0.1 -> 0.1
    assert ece([0, 1], [0.1, 0.9]) == pytest.approx(0.1)
    # p = 1.0 falls in the last bin rather than out of range
    assert ece([1], [1.0]) == pytest.approx(0.0)
    rng = np.random.default_rng(0)
    p = rng.uniform(size=200_000)
    assert ece(rng.uniform(size=p.size) < p, p) < 0.01  # calibrated by construction
