"""Interaction sequences in the pyKT CSV format, student folds and the pyKT evaluation windows.

The pyKT preprocessed files hold one student per row: ``fold``, ``uid``, and comma-separated
``concepts`` and ``responses`` in time order. Extra columns (e.g. ``cidxs`` in test files) are
ignored. Padding values (-1) are dropped defensively: the ASSISTments 2015 file has none, but other
pyKT exports pad sequences to a fixed length.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Window length of the pyKT protocol.
WINDOW = 200


@dataclass(frozen=True)
class KTSequence:
    """One student's interactions (or one evaluation window of them) in time order.

    Attributes:
        uid: Student id as found in the file.
        skills: Integer skill index per interaction.
        responses: 1 for a correct answer, 0 otherwise.
        fold: Cross-validation fold of the student (-1 when unknown).
    """

    uid: str
    skills: IntArray
    responses: IntArray
    fold: int = -1

    def __len__(self) -> int:
        return int(self.skills.shape[0])


def _ints(text: str) -> IntArray:
    return np.array([int(x) for x in text.split(",") if x.strip() != ""], dtype=np.int64)


def load_pykt_csv(path: str | Path) -> list[KTSequence]:
    """Read a pyKT-format CSV into sequences, dropping -1 padding.

    Args:
        path: CSV file with at least ``uid``, ``concepts`` and ``responses`` columns.

    Returns:
        One sequence per non-empty row.

    Raises:
        ValueError: When a row's concepts and responses differ in length.
    """
    out: list[KTSequence] = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            skills, responses = _ints(row["concepts"]), _ints(row["responses"])
            if skills.shape != responses.shape:
                raise ValueError(f"row uid={row.get('uid')}: concepts and responses differ in length")
            keep = (skills >= 0) & (responses >= 0)
            if not keep.any():
                continue
            fold = int(row["fold"]) if row.get("fold", "") not in ("", None) else -1
            out.append(KTSequence(str(row.get("uid", len(out))), skills[keep], responses[keep], fold))
    return out


def split_folds(seqs: Iterable[KTSequence], test_fold: int) -> tuple[list[KTSequence], list[KTSequence]]:
    """Split sequences into (train, test) by fold."""
    train: list[KTSequence] = []
    test: list[KTSequence] = []
    for s in seqs:
        (test if s.fold == test_fold else train).append(s)
    return train, test


def holdout_students(
    seqs: Sequence[KTSequence], fraction: float, seed: int
) -> tuple[list[KTSequence], list[KTSequence]]:
    """Split off a random fraction of students (not interactions) for early stopping/calibration."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(seqs))
    n_val = max(1, round(fraction * len(seqs))) if len(seqs) > 1 else 0
    val_idx = set(order[:n_val].tolist())
    train = [s for i, s in enumerate(seqs) if i not in val_idx]
    val = [s for i, s in enumerate(seqs) if i in val_idx]
    return train, val


def windows(seqs: Iterable[KTSequence], size: int = WINDOW) -> list[KTSequence]:
    """Cut each sequence into consecutive windows of at most ``size`` interactions (pyKT protocol).

    Each window is predicted on its own: the first interaction of a window is not scored and only
    earlier interactions of the same window may inform a prediction.
    """
    out: list[KTSequence] = []
    for s in seqs:
        for start in range(0, len(s), size):
            end = start + size
            out.append(KTSequence(s.uid, s.skills[start:end], s.responses[start:end], s.fold))
    return out


def scored_mask(length: int) -> npt.NDArray[np.bool_]:
    """Positions of a window that the protocol scores (all but the first)."""
    mask = np.ones(length, dtype=bool)
    if length:
        mask[0] = False
    return mask


def n_skills(seqs: Iterable[KTSequence]) -> int:
    """Size of the skill vocabulary implied by the largest skill index."""
    return int(max((int(s.skills.max()) for s in seqs if len(s)), default=-1)) + 1
