"""Train the KES simulator's learner (DKT on ASSISTments 2015).

Usage: ``python -m recommender.simulation.train_kes --data TRAIN_VALID_CSV [--out var/models/kes_dkt.pt]``
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
import torch

from recommender.simulation.assist import read_pykt
from recommender.simulation.kes_model import DKT, DKTConfig, DKTEnsemble, save_dkt

DEFAULT_KES_CHECKPOINT = Path("var/models/kes_dkt.pt")
WINDOW = 200
MEMBERS = 12  # DKTs averaged per learner model (agreement between disjoint-student models: see the README)
MEMBER_SIZE = 16  # LSTM and embedding width of a member
EPOCHS = 15
# Adam's L2 penalty: pulls the weights of rarely seen skills toward zero instead of leaving them where one
# member's start put them, so two models of different students disagree less (see the README)
WEIGHT_DECAY = 1e-4


def _windows(seqs: list[tuple[list[int], list[int]]]) -> list[tuple[list[int], list[int]]]:
    out = []
    for skills, resp in seqs:
        for i in range(0, len(skills), WINDOW):
            if len(skills[i : i + WINDOW]) > 1:
                out.append((skills[i : i + WINDOW], resp[i : i + WINDOW]))
    return out


def _batch(chunk: list[tuple[list[int], list[int]]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(len(s) for s, _ in chunk)
    skills = torch.zeros(len(chunk), width, dtype=torch.long)
    resp = torch.zeros(len(chunk), width, dtype=torch.long)
    valid = torch.zeros(len(chunk), width, dtype=torch.bool)
    for i, (s, r) in enumerate(chunk):
        skills[i, : len(s)] = torch.tensor(s)
        resp[i, : len(r)] = torch.tensor(r)
        valid[i, : len(s)] = True
    return skills, resp, valid


def _auc(labels: np.ndarray, scores: np.ndarray) -> float:
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / max(n_pos * n_neg, 1))


def validation_auc(model: DKTEnsemble, seqs: list[tuple[list[int], list[int]]]) -> float:
    """Next-response AUC on held-out sequences (a fidelity check of the simulated learner)."""
    labels, scores = [], []
    with torch.no_grad():
        wins = _windows(seqs)
        for i in range(0, len(wins), 256):
            skills, resp, valid = _batch(wins[i : i + 256])
            prob = model.next_prob(skills[:, :-1], resp[:, :-1])
            chosen = prob.gather(2, skills[:, 1:].unsqueeze(2)).squeeze(2)
            mask = valid[:, 1:]
            labels.append(resp[:, 1:][mask].numpy())
            scores.append(chosen[mask].numpy())
    return _auc(np.concatenate(labels), np.concatenate(scores))


def _fit_member(train: list[tuple[list[int], list[int]]], config: DKTConfig, seed: int, deadline: float) -> DKT:
    """One member: Adam (L2 ``WEIGHT_DECAY``) over length-sorted batches for up to EPOCHS epochs, stopping at
    ``deadline``."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = DKT(config)
    optim = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=WEIGHT_DECAY)
    batches = [train[i : i + 64] for i in range(0, len(train), 64)]
    for _ in range(EPOCHS):
        rng.shuffle(batches)
        for chunk in batches:
            if time.monotonic() > deadline:
                return model.eval()
            loss = model.loss(*_batch(chunk))
            optim.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optim.step()
    return model.eval()


def train_kes(data: Path, out: Path, budget_s: float = 240.0, seed: int = 0,
              folds: set[int] | None = None, members: int = MEMBERS) -> dict[str, float]:
    """Fit ``members`` small DKTs on ``folds`` (default 1-4), each from its own initial weights
    (seeds ``1000 * seed + k``) and within its share of ``budget_s``; report the ensemble's fold-0 AUC, save it."""
    folds = folds if folds is not None else {1, 2, 3, 4}
    if 0 in folds:
        raise ValueError("fold 0 is held out: it only provides test warm-ups and the fidelity check")
    start = time.monotonic()
    train = _windows(read_pykt(data, folds))
    train.sort(key=lambda w: len(w[0]))  # similar lengths per batch: less padding
    held = read_pykt(data, {0})
    # every model of the same data gets the same skill count, whichever folds it was fitted on
    n_skills = 1 + max(max(s) for s, _ in read_pykt(data) if s)
    config = DKTConfig(n_skills=n_skills, hidden=MEMBER_SIZE, embed=MEMBER_SIZE)
    fitted = []
    for k in range(members):
        share = (budget_s - (time.monotonic() - start)) / (members - k)
        fitted.append(_fit_member(train, config, 1000 * seed + k, time.monotonic() + share))
    model = DKTEnsemble(fitted).eval()
    auc = validation_auc(model, held)
    meta = {"fold0_auc": round(auc, 4), "member_seeds": [1000 * seed + k for k in range(members)],
            "weight_decay": WEIGHT_DECAY,
            "train_seconds": round(time.monotonic() - start, 1), "data": data.name, "folds": sorted(folds)}
    save_dkt(out, model, meta)
    return {"fold0_auc": auc, "members": float(members), "seconds": time.monotonic() - start}


def current_settings(checkpoint: Path) -> bool:
    """Whether a saved learner model was fitted with this module's member count, size and weight decay
    (a model fitted otherwise is a different simulator and is fitted again)."""
    try:
        meta = json.loads(checkpoint.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return False
    return bool(
        meta.get("members") == MEMBERS
        and meta.get("config", {}).get("hidden") == MEMBER_SIZE
        and meta.get("weight_decay", 0.0) == WEIGHT_DECAY
    )


def main() -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=DEFAULT_KES_CHECKPOINT)
    parser.add_argument("--budget-s", type=float, default=240.0)
    parser.add_argument("--members", type=int, default=MEMBERS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(train_kes(args.data, args.out, args.budget_s, members=args.members))


if __name__ == "__main__":
    main()
