"""Evaluation metrics for simulated learning sessions."""

from __future__ import annotations

import math

import numpy as np


def learning_gain(e_start: np.ndarray, e_end: np.ndarray, e_sup: np.ndarray) -> np.ndarray:
    """EduSim's normalised gain E_p = (E_end - E_start) / (E_sup - E_start), per learner.

    Learners who start at the ceiling have nothing to gain and get 0 (simulators avoid them).
    """
    room = np.asarray(e_sup, dtype=float) - np.asarray(e_start, dtype=float)
    gain = np.asarray(e_end, dtype=float) - np.asarray(e_start, dtype=float)
    safe = np.where(room > 1e-9, room, 1.0)
    return np.asarray(np.where(room > 1e-9, gain / safe, 0.0), dtype=float)


def mean_ci95(values: np.ndarray) -> tuple[float, float, float]:
    """Mean with a normal-approximation 95% confidence interval."""
    arr = np.asarray(values, dtype=float)
    mean = float(arr.mean())
    half = 1.96 * float(arr.std(ddof=1)) / math.sqrt(len(arr)) if len(arr) > 1 else 0.0
    return mean, mean - half, mean + half


def mean_ci95_seeds(runs: np.ndarray, resamples: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Mean and 95% interval of E_p over training seeds *and* learners.

    ``runs[s, i]`` is learner ``i``'s E_p under the policy trained with seed ``s`` (the same
    learners for every seed). The interval is a two-level bootstrap: seeds are resampled, then
    learners, so it widens when seeds disagree as well as when learners vary.
    """
    arr = np.asarray(runs, dtype=float)
    n_seeds, n_learners = arr.shape
    rng = np.random.default_rng(seed)
    pick_seeds = rng.integers(n_seeds, size=(resamples, n_seeds))
    pick_learners = rng.integers(n_learners, size=(resamples, n_learners))
    per_seed = arr[:, pick_learners].mean(axis=2)  # (n_seeds, resamples): each seed on each learner resample
    means = per_seed[pick_seeds, np.arange(resamples)[:, None]].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(arr.mean()), float(lo), float(hi)
