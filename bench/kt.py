"""Knowledge-tracing benchmark: per-skill baseline, BKT, plain DKT and our neural model on the pyKT protocol.

Usage::

    python -m bench.kt --train ../shared/data/assist2015/train_valid.csv --test TEST_CSV --json [--budget-s 600]

``--test`` omitted or ``fold0``: development mode, fold 0 of the training file is the test set and
folds 1-4 are trained on. Otherwise the test file is scored and all of the training file is used.
Test students are only ever predicted: early stopping and calibration use 10% of the training
students.

Progress goes to stderr; the last stdout line is one JSON object::

    {"models": {"per_skill"|"bkt"|"dkt"|"ours": {"auc", "rmse", "ece"}}, "train_seconds": float, ...}

``train_seconds`` is the total training wall time of ALL four models (fitting the baseline, BKT EM,
feature preparation, DKT, neural training and calibration); it excludes data loading and test-set
prediction. ``--budget-s`` bounds that total: after the classic models and the shared training
windows, DKT trains first with at most ``DKT_SHARE`` of what is left (it usually stops earlier,
by patience), and our model's optimisation loop gets the rest, minus a safety margin.

"dkt" is plain DKT as pyKT runs it (:mod:`recommender.kt.configs.dkt`): same windows and validation
students as ours, no history features, no ensemble, no calibration. "ours" is the average of up to
three SeqKT seeds (see ``MEMBERS``), each early-stopped on the validation students, with one Platt
calibration fitted on their averaged logits. Torch runs on 2 threads on an idle machine and 1 on a
busy one (``--threads auto``, see ``_threads``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import torch

from recommender.kt import (
    DKTConfig,
    FitReport,
    NeuralKT,
    NeuralKTConfig,
    NeuralTrainer,
    TrainConfig,
    WindowSet,
    combine,
    evaluate,
    fit_bkt_em,
    fit_dkt,
    fit_per_skill,
    holdout_students,
    load_pykt_csv,
    n_skills,
    split_folds,
    windows,
)

#: Share of the budget kept free for calibration, the last epoch's overshoot and machine noise.
MARGIN = 0.12
#: Seeds averaged in our model at most; each trains on an equal share of the budget, and the plan
#: shrinks when the first member's epoch time shows a share would allow fewer than MIN_EPOCHS.
MEMBERS = 3
MIN_EPOCHS = 6
#: Largest share of the training budget (after the classic models) that the DKT baseline may use.
DKT_SHARE = 0.25


def _log(msg: str) -> None:
    print(f"[bench.kt] {msg}", file=sys.stderr, flush=True)


def _threads(arg: str) -> int:
    """Torch threads: an explicit number, or "auto" = 2 on an idle machine, 1 on a busy one.

    On the shared 2-core machine, two intra-op threads competing with other jobs were measured 8x
    slower per epoch than one thread (202 s vs 22-25 s, load average ~13), while on an idle machine
    two threads are faster. "auto" uses 2 only when the 1-minute load average leaves a core free.
    """
    if arg != "auto":
        return max(1, int(arg))
    return 2 if os.getloadavg()[0] < 1.5 else 1


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Run the benchmark; returns (and prints) the result object."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True, help="pyKT train_valid.csv")
    ap.add_argument("--test", default="fold0", help='test CSV, or "fold0" (dev: fold 0 of --train)')
    ap.add_argument("--budget-s", type=float, default=600.0, help="training wall-clock budget")
    ap.add_argument("--threads", default="auto", help='torch threads, or "auto" (see _threads)')
    ap.add_argument("--members", type=int, default=MEMBERS, help="seeds averaged in our model")
    ap.add_argument("--out-dir", default="/tmp/bench_kt", help="where the neural checkpoint is saved")
    ap.add_argument("--json", action="store_true", help="print the result JSON last (always done)")
    args = ap.parse_args(argv)
    threads = _threads(args.threads)
    torch.set_num_threads(threads)
    _log(f"torch threads: {threads} (load average {os.getloadavg()[0]:.1f})")

    seqs = load_pykt_csv(args.train)
    if args.test in (None, "", "fold0"):
        train, test = split_folds(seqs, 0)
        mode = "dev: fold 0 of train as test, folds 1-4 trained on"
    else:
        train, test = seqs, load_pykt_csv(args.test)
        mode = f"held-out: {args.test}"
    k = max(n_skills(train), n_skills(test))
    test_w = windows(test)
    _log(f"{mode}; {len(train)} train students, {len(test)} test students, {len(test_w)} test windows, {k} skills")

    t0 = time.monotonic()
    per_skill = fit_per_skill(train, k)
    bkt = fit_bkt_em(windows(train), k)
    _log(f"per-skill and BKT fitted in {time.monotonic() - t0:.1f}s")
    tcfg = TrainConfig()
    fit_part, val_part = holdout_students(train, tcfg.val_fraction, tcfg.seed)
    train_set, val_set = WindowSet(windows(fit_part)), WindowSet(windows(val_part))
    dcfg = replace(DKTConfig(), n_skills=k)
    left = args.budget_s * (1 - MARGIN) - (time.monotonic() - t0)
    _log(f"dkt: {asdict(dcfg)}; loop budget {DKT_SHARE * left:.0f}s")
    dkt, dkt_report = fit_dkt(dcfg, train_set, val_set, DKT_SHARE * left, progress=_log)
    _log(f"dkt: best epoch {dkt_report.best_epoch} of {dkt_report.epochs} in {dkt_report.seconds:.0f}s")
    mcfg = replace(NeuralKTConfig(), n_skills=k)
    left = args.budget_s * (1 - MARGIN) - (time.monotonic() - t0)
    _log(f"neural: {asdict(mcfg)}; {asdict(tcfg)}; loop budget {left:.0f}s")
    members: list[NeuralKT] = []
    reports: list[FitReport] = []
    planned = args.members
    trainer: NeuralTrainer | None = None
    while len(members) < planned:
        left = args.budget_s * (1 - MARGIN) - (time.monotonic() - t0)
        if reports:  # on a slow machine, fewer members that each train long enough beat many short ones
            epoch_s = reports[0].seconds / max(reports[0].epochs, 1)
            while planned > len(members) and left / (planned - len(members)) < MIN_EPOCHS * epoch_s:
                planned -= 1
            if planned == len(members):
                if trainer is not None and not reports[-1].converged and left > epoch_s:
                    _log(f"no room for another member: resuming member {len(members)} for {left:.0f}s")
                    members[-1], reports[-1] = trainer.fit(train_set, val_set, left, resume=True)
                break
        share = left / (planned - len(members))
        i = len(members)
        _log(f"member {i + 1}/{planned}: loop budget {share:.0f}s")
        work = Path(args.out_dir) / f"train-member{i}"
        shutil.rmtree(work, ignore_errors=True)
        trainer = NeuralTrainer(mcfg, replace(tcfg, seed=tcfg.seed + i), out_dir=work, progress=_log)
        member, report = trainer.fit(train_set, val_set, share)
        members.append(member)
        reports.append(report)
    ours = combine(members, val_set)
    train_seconds = time.monotonic() - t0
    _log(f"trained all models in {train_seconds:.1f}s; calibration scale {ours.scale:.3f} bias {ours.bias:.3f}")

    results = {}
    for name, model in (("per_skill", per_skill), ("bkt", bkt), ("dkt", dkt), ("ours", ours)):
        m = evaluate(model, test_w)
        results[name] = m.as_dict()
        _log(f"{name}: {results[name]} on {m.n} scored responses")
    ckpt = ours.save(Path(args.out_dir), metrics={"test": results["ours"], "mode": mode})
    _log(f"checkpoint: {ckpt}")
    out: dict[str, object] = {
        "models": results,
        "train_seconds": round(train_seconds, 1),
        "budget_s": args.budget_s,
        "members": len(members),
        "epochs": [r.epochs for r in reports],
        "best_val_auc": [round(r.best_val_auc, 4) for r in reports],
    }
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
