"""Binary-prediction metrics used by the knowledge-tracing evaluator.

ECE (expected calibration error) uses 15 equal-width probability bins over [0, 1]; the last bin is
closed so p = 1.0 is counted. ECE = sum over non-empty bins of (bin size / N) * |mean label - mean
prediction|.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

ECE_BINS = 15


def auc(labels: npt.ArrayLike, probs: npt.ArrayLike) -> float:
    """Area under the ROC curve via the rank-sum statistic (ties count one half).

    Returns:
        AUC in [0, 1], or NaN when only one class is present.
    """
    y = np.asarray(labels, dtype=np.float64)
    p = np.asarray(probs, dtype=np.float64)
    n_pos = float(y.sum())
    n_neg = float(y.size - n_pos)
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(p)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def rmse(labels: npt.ArrayLike, probs: npt.ArrayLike) -> float:
    """Root mean squared error between labels and probabilities."""
    y = np.asarray(labels, dtype=np.float64)
    p = np.asarray(probs, dtype=np.float64)
    return float(np.sqrt(np.mean((y - p) ** 2))) if y.size else float("nan")


def ece(labels: npt.ArrayLike, probs: npt.ArrayLike, n_bins: int = ECE_BINS) -> float:
    """Expected calibration error over ``n_bins`` equal-width bins (see module docstring)."""
    y = np.asarray(labels, dtype=np.float64)
    p = np.clip(np.asarray(probs, dtype=np.float64), 0.0, 1.0)
    if not y.size:
        return float("nan")
    idx = np.minimum((p * n_bins).astype(np.int64), n_bins - 1)
    count = np.bincount(idx, minlength=n_bins).astype(np.float64)
    sum_y = np.bincount(idx, weights=y, minlength=n_bins)
    sum_p = np.bincount(idx, weights=p, minlength=n_bins)
    nz = count > 0
    gap = np.abs(sum_y[nz] - sum_p[nz])  # = count * |mean_y - mean_p|
    return float(gap.sum() / y.size)
