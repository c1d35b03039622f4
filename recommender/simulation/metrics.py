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
