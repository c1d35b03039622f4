"""Reading ASSISTments sequences in the pyKT CSV layout (fold, uid, concepts, responses)."""

from __future__ import annotations

import csv
from pathlib import Path


def read_pykt(path: Path, folds: set[int] | None = None) -> list[tuple[list[int], list[int]]]:
    """Per-student (skills, responses) lists, optionally restricted to some folds."""
    rows: list[tuple[list[int], list[int]]] = []
    with path.open(newline="") as fh:
        for rec in csv.DictReader(fh):
            if folds is not None and int(rec["fold"]) not in folds:
                continue
            skills = [int(v) for v in rec["concepts"].split(",")]
            resp = [int(v) for v in rec["responses"].split(",")]
            keep = [i for i, s in enumerate(skills) if s >= 0 and resp[i] >= 0]  # pyKT pads with -1
            rows.append(([skills[i] for i in keep], [resp[i] for i in keep]))
    return [r for r in rows if r[0]]
