"""RL recommender bench: normalised learning gain E_p on held-out simulated learners.

Usage::

    python -m bench.recommender --train [--budget-s 150]   # train policies on training seeds, write checkpoints
    python -m bench.recommender --json                      # evaluate (trains first if checkpoints are missing)

Seeds: training learners come from seeds >= 1,000,000 (PPO); greedy's settings, and whether a
policy acts by argmax or by sampling, are chosen on validation seeds 900,001-900,002; every figure
is measured on test seeds 1..3 (500 learners each, the same learners for every teacher).
Checkpoints live in ``--models`` (default var/models/recommender); the KES learner (DKT) is
trained there on first use. ``--train --iterations N`` trains N PPO batches per policy;
``--train-only --resume`` continues existing checkpoints. Without checkpoints each policy gets
``--auto-budget-s`` seconds so that the whole run fits in 15 minutes on 2 cores.
The last line is one JSON object with the 20-step figures; 10-step figures are under "steps_10".
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import torch

from recommender.rl.base import TeachingPolicy
from recommender.rl.baselines import GreedyPolicy, GreedySettings, RandomPolicy, RulePolicy
from recommender.rl.checkpoint import CheckpointError, load_checkpoint
from recommender.rl.evaluate import evaluate, pick_best
from recommender.rl.model import ActorCritic
from recommender.rl.ppo import PPOTrainer
from recommender.rl.trained_policy import TrainedPolicy
from recommender.simulation.base import Simulator
from recommender.simulation.kes import make_kes
from recommender.simulation.kes_model import KESModelError
from recommender.simulation.kss import make_kss
from recommender.simulation.metrics import mean_ci95
from recommender.simulation.sample_course import make_sample_course, sample_course_graph
from recommender.simulation.train_kes import train_kes

DEFAULT_DATA = Path("../shared/data/assist2015/train_valid.csv")
DEFAULT_MODELS = Path("var/models/recommender")
TEST_SEEDS = (1, 2, 3)
VALID_SEEDS = (900_001, 900_002)
POLICIES = ("random", "rule", "greedy", "ours", "oracle")
# PPO batches used for the committed figures: KSS keeps improving past 300 batches, the others plateau.
DEFAULT_ITERATIONS = {"kss": 1000, "kes_assist2015": 300, "sample_course": 300}
GREEDY_GRID = [GreedySettings(a, p, r, c) for a, p, r, c in
               itertools.product((0.5, 1.0, 2.0), (0.0, 1.0, 3.0), (0.0, 0.5, 1.0), (0.0, 0.2, 1.0))]


def log(msg: str) -> None:
    """Progress to stderr (stdout's last line is the JSON result)."""
    print(msg, file=sys.stderr, flush=True)


def build_simulators(data: Path, models: Path, kes_budget_s: float, only: list[str] | None) -> dict[str, Simulator]:
    """KSS, KES-ASSIST2015 (training its learner model on first use) and the sample course."""
    sims: dict[str, Simulator] = {}
    if not only or "kss" in only:
        sims["kss"] = make_kss()
    if not only or "kes_assist2015" in only:
        kes_ckpt = models / "kes_dkt.pt"
        try:
            sims["kes_assist2015"] = make_kes(kes_ckpt, data)
        except KESModelError:
            log(f"training the KES learner model (DKT) on {data} ...")
            log(f"  {train_kes(data, kes_ckpt, kes_budget_s)}")
            sims["kes_assist2015"] = make_kes(kes_ckpt, data)
    if not only or "sample_course" in only:
        sims["sample_course"] = make_sample_course()
    return sims


def policy(sim_name: str, sim: Simulator, view: str, models: Path, budget_s: float, retrain: bool,
           iterations: int | None = None, resume: bool = False) -> ActorCritic:
    """Load a trained policy, or train one (continuing its checkpoint when ``resume``)."""
    path = models / f"policy_{sim_name}_{view}.pt"
    if not retrain and not resume:
        try:
            model, _, _ = load_checkpoint(path)
            if model.config.n_actions == sim.n_skills:
                return model
        except CheckpointError as exc:
            log(f"  {exc}; training")
    trainer = PPOTrainer(sim, view, seed=0)
    if resume and path.exists():
        try:
            trainer.resume(path)
            log(f"  resuming {sim_name}/{view} at iteration {trainer.iteration}")
        except CheckpointError as exc:
            log(f"  cannot resume ({exc}); starting afresh")
    start = time.monotonic()
    stats = trainer.train(budget_s, path, max_iterations=iterations, log_every=25, until_total=True)
    log(f"  trained {sim_name}/{view}: {stats['iterations']:.0f} it in {time.monotonic() - start:.0f}s, "
        f"last batch E_p {stats['last_batch_ep']:.3f}")
    trainer.model.eval()
    return trainer.model


def policies_for(sim_name: str, sim: Simulator, models: Path, budget_s: float, retrain: bool,
               iterations: int | None) -> dict[str, TeachingPolicy]:
    """The five teachers compared on one simulator."""
    picked: dict[str, TeachingPolicy] = {}
    for name, view in (("ours", "responses"), ("oracle", "oracle")):
        model = policy(sim_name, sim, view, models, budget_s, retrain, iterations)
        modes = [TrainedPolicy(model, sample=False, name=name), TrainedPolicy(model, sample=True, seed=5, name=name)]
        choice, ep_valid = pick_best(sim, lambda policy: policy, modes, 200, VALID_SEEDS, 20)
        picked[name] = choice
        log(f"  {name}: {'sampled' if choice.sample else 'argmax'} actions (validation E_p {ep_valid:.3f})")
    start = time.monotonic()
    # without prerequisite edges only the mastery estimate's recency matters: don't re-test equal settings
    grid = GREEDY_GRID if sim.graph.edges else [GreedySettings(recency=r) for r in (0.0, 0.25, 0.5, 0.75, 1.0)]
    best, ep = pick_best(sim, GreedyPolicy, grid, 200, VALID_SEEDS, 20)
    log(f"  greedy tuned on validation seeds: {best} (E_p {ep:.3f}, {time.monotonic() - start:.0f}s)")
    return {
        "random": RandomPolicy(seed=7),
        "rule": RulePolicy(),
        "greedy": GreedyPolicy(best),
        "ours": picked["ours"],
        "oracle": picked["oracle"],
    }


def main() -> None:
    """Run the bench."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--models", type=Path, default=DEFAULT_MODELS)
    parser.add_argument("--train", action="store_true", help="(re)train policies, then evaluate")
    parser.add_argument("--train-only", action="store_true")
    parser.add_argument("--resume", action="store_true", help="continue training from existing checkpoints")
    parser.add_argument("--views", nargs="+", default=["responses", "oracle"], help="with --train-only")
    parser.add_argument("--budget-s", type=float, default=3600.0, help="PPO seconds cap per policy with --train")
    parser.add_argument("--iterations", type=int, default=None,
                        help=f"PPO batches per policy with --train (default {DEFAULT_ITERATIONS})")
    parser.add_argument("--auto-budget-s", type=float, default=75.0,
                        help="PPO seconds per policy when a checkpoint is missing (keeps the run under 15 min)")
    parser.add_argument("--kes-budget-s", type=float, default=90.0)
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--only", nargs="*", default=None, help="subset of simulators")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    t0 = time.monotonic()
    sims = build_simulators(args.data, args.models, args.kes_budget_s, args.only)
    _, graph_source = sample_course_graph()
    log(f"sample course graph from: {graph_source}")
    result: dict[str, dict[str, dict[str, object]]] = {}
    short: dict[str, dict[str, dict[str, object]]] = {}
    seconds: dict[str, float] = {}
    for name, sim in sims.items():
        start = time.monotonic()
        log(f"[{name}] {sim.n_skills} skills")
        retrain = args.train or args.train_only
        budget = args.budget_s if retrain else args.auto_budget_s
        if args.train_only:
            iterations = args.iterations or DEFAULT_ITERATIONS[name]
            for view in args.views:
                policy(name, sim, view, args.models, budget, True, iterations, args.resume)
            continue
        iterations = (args.iterations or DEFAULT_ITERATIONS[name]) if retrain else None
        policies = policies_for(name, sim, args.models, budget, retrain, iterations)
        result[name], short[name] = {}, {}
        for policy_name in POLICIES:
            for horizon, table in ((20, result[name]), (10, short[name])):
                ep, lo, hi = mean_ci95(evaluate(sim, policies[policy_name], args.learners, TEST_SEEDS, horizon))
                table[policy_name] = {"ep": round(ep, 4), "ci95": [round(lo, 4), round(hi, 4)]}
            log(f"  {policy_name:7s} E_p@20 {result[name][policy_name]['ep']} {result[name][policy_name]['ci95']}"
                f"  E_p@10 {short[name][policy_name]['ep']}")
        seconds[name] = round(time.monotonic() - start, 1)
    log(f"total {time.monotonic() - t0:.0f}s; per simulator {seconds}")
    print(json.dumps({"simulators": result, "steps_10": short, "seconds": seconds}))


if __name__ == "__main__":
    main()
