"""Training side of bench.recommender: the simulators' worlds, the KES learner models, PPO runs.

A *world* is the simulator a policy trains and is validated on, and the one it is tested on.
KSS and the sample course use one simulator for all three (learners from disjoint seed ranges);
KES-ASSIST2015 trains and validates against a DKT fitted on folds 1-2 of ASSISTments 2015 (with
those students' warm-ups) and is tested against a second DKT fitted on folds 3-4, replaying the
warm-ups of fold-0 students neither model saw, so a policy cannot win by exploiting the very
model that grades it.

PPO runs are independent processes (one torch thread each), ``workers`` at a time.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import torch

from recommender.rl.checkpoint import CheckpointError, load_checkpoint
from recommender.rl.model import ActorCritic
from recommender.rl.ppo import PPOSettings, PPOTrainer
from recommender.simulation.base import Simulator
from recommender.simulation.kes import make_kes
from recommender.simulation.kes_model import KESModelError
from recommender.simulation.kss import make_kss
from recommender.simulation.sample_course import make_sample_course
from recommender.simulation.train_kes import current_settings, train_kes

SIMULATORS = ("kss", "kes_assist2015", "sample_course")
VIEWS = {"ours": "responses", "privileged_ppo": "privileged"}
KES_TRAIN_FOLDS = frozenset({1, 2})
KES_EVAL_FOLDS = frozenset({3, 4})
KES_TEST_WARMUPS = frozenset({0})
KES_SEEDS = (1, 2)  # the two learner models' members start from different weights too
# PPO settings other than the defaults, per simulator: among KES's 100 moves the default entropy bonus kept
# the policy spread too thin (validation E_p of seeds 0 and 1: 0.257 and 0.262 after 75 s; with 0.003, 0.267 after
# 75 s and 0.274 after 71 s)
PPO_SETTINGS = {"kes_assist2015": PPOSettings(entropy=0.003)}


def log(msg: str) -> None:
    """Progress to stderr (stdout's last line is the JSON result)."""
    print(msg, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class World:
    """Where a policy learns (training and validation learners) and where it is measured."""

    train: Simulator
    test: Simulator


def kes_checkpoints(models: Path) -> tuple[Path, Path]:
    """The training-side and the evaluation-side KES learner models."""
    return models / "kes_dkt_train.pt", models / "kes_dkt_eval.pt"


def ensure_kes_models(data: Path, models: Path, budget_s: float, workers: int) -> None:
    """Fit whichever of the two KES learner models is missing or was fitted with other settings (in parallel)."""
    jobs = []
    sides = zip(kes_checkpoints(models), (KES_TRAIN_FOLDS, KES_EVAL_FOLDS), KES_SEEDS, strict=True)
    for path, folds, seed in sides:
        try:
            make_kes(path, data, set(KES_TEST_WARMUPS))
            usable = current_settings(path)
        except KESModelError:
            usable = False
        if not usable:
            jobs.append((data, path, budget_s, set(folds), seed))
    if not jobs:
        return
    log(f"training {len(jobs)} KES learner model(s) (DKT ensembles on ASSISTments 2015), {budget_s:.0f}s each ...")
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), mp_context=get_context("spawn")) as pool:
        for job, report in zip(jobs, pool.map(_train_kes_job, jobs), strict=True):
            log(f"  {job[1].name}: folds {sorted(job[3])}, fold-0 AUC {report['fold0_auc']:.4f}")


def _train_kes_job(job: tuple[Path, Path, float, set[int], int]) -> dict[str, float]:
    torch.set_num_threads(1)
    data, path, budget_s, folds, seed = job
    return train_kes(data, path, budget_s, seed=seed, folds=folds)


def world(name: str, data: Path, models: Path, kes_grader: str = "eval") -> World:
    """The simulators of one benchmark (KES models must exist: see :func:`ensure_kes_models`).

    ``kes_grader="train"`` grades KES with the training-side learner model instead (fold-0 warm-ups still):
    a diagnostic of how much of a gap is the two models' disagreement rather than the teacher.
    """
    if name == "kss":
        sim: Simulator = make_kss()
        return World(sim, sim)
    if name == "sample_course":
        sim = make_sample_course()
        return World(sim, sim)
    if name == "kes_assist2015":
        train_model, eval_model = kes_checkpoints(models)
        train = make_kes(train_model, data, set(KES_TRAIN_FOLDS))
        grader = {"eval": eval_model, "train": train_model}[kes_grader]
        return World(train, make_kes(grader, data, set(KES_TEST_WARMUPS)))
    raise ValueError(f"unknown simulator {name!r}")


def policy_path(models: Path, sim_name: str, view: str, seed: int) -> Path:
    """Checkpoint of one training seed (seed 0 keeps the name the API loads for the sample course)."""
    suffix = "" if seed == 0 else f"_s{seed}"
    return models / f"policy_{sim_name}_{view}{suffix}.pt"


def load_policy(path: Path, n_actions: int) -> ActorCritic | None:
    """A usable checkpoint for a simulator of ``n_actions`` skills, or None."""
    try:
        model, _, _ = load_checkpoint(path)
    except CheckpointError:
        return None
    return model if model.config.n_actions == n_actions else None


@dataclass(frozen=True)
class TrainJob:
    """One PPO run: a simulator, a view, a seed, limits and where to write it."""

    sim_name: str
    view: str
    seed: int
    budget_s: float
    iterations: int | None
    path: Path
    data: Path
    models: Path
    resume: bool = False
    stale: bool = False  # a KES policy trained against an earlier learner model: never resumed


def train_job(job: TrainJob) -> dict[str, float]:
    """Run one PPO training in this process (used by the process pool)."""
    torch.set_num_threads(1)
    sim = world(job.sim_name, job.data, job.models).train
    trainer = PPOTrainer(sim, job.view, ppo_settings(job.sim_name), seed=job.seed)
    if job.resume and not job.stale and job.path.exists():
        with contextlib.suppress(CheckpointError):  # an unreadable checkpoint: start afresh
            trainer.resume(job.path)
    stats = trainer.train(job.budget_s, job.path, max_iterations=job.iterations, until_total=True)
    return {**stats, "seed": float(job.seed)}


def run_jobs(jobs: list[TrainJob], workers: int) -> None:
    """Train every job, ``workers`` processes at a time."""
    if not jobs:
        return
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), mp_context=get_context("spawn")) as pool:
        for job, stats in zip(jobs, pool.map(train_job, jobs), strict=True):
            log(
                f"  trained {job.path.name}: {stats['iterations']:.0f} batches in {stats['seconds']:.0f}s, "
                f"last batch E_p {stats['last_batch_ep']:.3f}"
            )


def run_budgets(total_s: float, spent_s: float, reserve_s: float, shares: list[float], workers: int) -> list[float]:
    """Seconds for each PPO run, in proportion to its share, so that all of them, run longest first
    ``workers`` at a time, fit what is left (at least 5 s each)."""
    if not shares:
        return []
    finish = [0.0] * max(1, min(workers, len(shares)))  # when each worker is free, in shares
    for share in sorted(shares, reverse=True):
        heapq.heapreplace(finish, finish[0] + share)
    unit = (total_s - spent_s - reserve_s) / max(finish)
    return [max(5.0, unit * share) for share in shares]


def missing_jobs(
    sims: list[str],
    seeds: int,
    models: Path,
    data: Path,
    n_actions: dict[str, int],
    retrain: bool,
    iterations: dict[str, int] | None,
) -> list[TrainJob]:
    """The PPO runs still needed (every run when ``retrain``); budgets are filled in by the caller."""
    jobs = []
    for name in sims:
        for view in VIEWS.values():
            for seed in range(seeds):
                path = policy_path(models, name, view, seed)
                stale = _older_than_learner(path, name, models) or _trained_otherwise(path, name)
                if retrain or stale or load_policy(path, n_actions[name]) is None:
                    cap = iterations.get(name) if iterations else None
                    jobs.append(TrainJob(name, view, seed, 0.0, cap, path, data, models, stale=stale))
    return jobs


def _older_than_learner(path: Path, sim_name: str, models: Path) -> bool:
    """A KES policy trained before its learner model was (re)fitted learned another learner."""
    if sim_name != "kes_assist2015":
        return False
    learner = kes_checkpoints(models)[0]
    return path.exists() and learner.exists() and path.stat().st_mtime < learner.stat().st_mtime


def ppo_settings(sim_name: str) -> PPOSettings:
    """The PPO settings a simulator's policies are trained with."""
    return PPO_SETTINGS.get(sim_name) or PPOSettings()


def _trained_otherwise(path: Path, sim_name: str) -> bool:
    """A policy this bench trained with another learning rate or entropy bonus than today's (a promoted
    policy records no PPO settings and is kept)."""
    try:
        recorded = json.loads(path.with_suffix(".json").read_text()).get("settings")
    except (OSError, ValueError, AttributeError):
        return False  # missing or unreadable: load_policy decides
    if not isinstance(recorded, dict):
        return False
    wanted = ppo_settings(sim_name)
    return bool(recorded.get("lr") != wanted.lr or recorded.get("entropy") != wanted.entropy)


def started(t0: float) -> float:
    """Seconds since ``t0``."""
    return time.monotonic() - t0
