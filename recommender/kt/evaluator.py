"""Scores a knowledge-tracing model on the pyKT protocol: AUC, RMSE and ECE."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from recommender.kt.base import KTModel
from recommender.kt.data import FloatArray, KTSequence, scored_mask
from recommender.kt.metrics import auc, ece, rmse


@dataclass(frozen=True)
class KTMetrics:
    """Metrics over all scored positions (every position of a window but the first)."""

    auc: float
    rmse: float
    ece: float
    n: int

    def as_dict(self, digits: int = 4) -> dict[str, float]:
        """JSON-ready dict of the three metrics (rounded), without ``n``."""
        d = asdict(self)
        return {k: round(float(d[k]), digits) for k in ("auc", "rmse", "ece")}


def collect(windows: Sequence[KTSequence], preds: Sequence[FloatArray]) -> tuple[FloatArray, FloatArray]:
    """Concatenate (labels, predictions) of the scored positions of each window."""
    if len(windows) != len(preds):
        raise ValueError("one prediction array per window is required")
    ys: list[FloatArray] = []
    ps: list[FloatArray] = []
    for w, p in zip(windows, preds, strict=True):
        if p.shape[0] != len(w):
            raise ValueError(f"prediction length {p.shape[0]} != window length {len(w)}")
        m = scored_mask(len(w))
        ys.append(w.responses[m].astype(np.float64))
        ps.append(np.asarray(p, dtype=np.float64)[m])
    if not ys:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(ys), np.concatenate(ps)


def score(labels: FloatArray, probs: FloatArray) -> KTMetrics:
    """Metrics of already collected labels and predictions."""
    return KTMetrics(auc(labels, probs), rmse(labels, probs), ece(labels, probs), int(labels.size))


def evaluate(model: KTModel, windows: Sequence[KTSequence]) -> KTMetrics:
    """Predict every window with ``model`` and score the protocol's positions."""
    y, p = collect(windows, model.predict(windows))
    return score(y, p)
