"""bench.recommender's bookkeeping: training seeds, disjoint learners, the KES split, the seed interval."""

import csv
import json
from pathlib import Path

import numpy as np
import torch

from bench.recommender import EVAL_RESERVE_S, TEST_SEEDS, VALID_SEEDS, eval_reserve
from bench.recommender_train import (
    KES_EVAL_FOLDS,
    KES_TRAIN_FOLDS,
    ensure_kes_models,
    kes_checkpoints,
    missing_jobs,
    policy_path,
    ppo_settings,
    run_budgets,
    world,
)
from recommender.policy_service import DEFAULT_POLICY_PATH
from recommender.rl.checkpoint import save_checkpoint
from recommender.rl.model import ActorCritic, PolicyConfig
from recommender.rl.ppo import SEED_STRIDE, PPOSettings, PPOTrainer
from recommender.simulation.kss import make_kss
from recommender.simulation.metrics import mean_ci95, mean_ci95_seeds
from recommender.simulation.train_kes import WEIGHT_DECAY


def test_training_seeds_draw_disjoint_learners_from_validation_and_test():
    sim = make_kss()
    blocks = []
    for seed in range(3):
        base = PPOTrainer(sim, "responses", PPOSettings(hidden=8), seed=seed).learner_seed_base
        blocks.append(range(base, base + SEED_STRIDE))
    for i, block in enumerate(blocks):
        assert not any(s in block for s in (*VALID_SEEDS, *TEST_SEEDS))
        assert all(set(block).isdisjoint(other) for other in blocks[i + 1 :])


def test_every_learned_policy_is_trained_with_each_seed(tmp_path: Path):
    jobs = missing_jobs(
        ["kss", "sample_course"],
        3,
        tmp_path,
        tmp_path / "d.csv",
        {"kss": 10, "sample_course": 13},
        retrain=False,
        iterations=None,
    )
    assert len(jobs) == 2 * 2 * 3 and len({job.path for job in jobs}) == len(jobs)
    assert {(job.view, job.seed) for job in jobs if job.sim_name == "kss"} == {
        (view, seed) for view in ("responses", "privileged") for seed in range(3)
    }
    # seed 0 of the sample course's answers-only policy is the file the API serves
    assert DEFAULT_POLICY_PATH.name in {job.path.name for job in jobs}
    budgets = run_budgets(1200, 100, 300, shares=[1.0] * 6 + [0.5] * 4 + [1.5] * 2, workers=2)
    assert budgets[0] * 2 == budgets[6] * 4 == budgets[-1] * 4 / 3  # in proportion to the shares
    assert abs(sum(budgets) / 2 - (1200 - 100 - 300)) < 1e-9  # two at a time, they fill what is left
    assert run_budgets(100, 90, 50, shares=[1.0, 1.0], workers=2) == [5.0, 5.0]
    # runs that do not split evenly over the workers still finish in time, run longest first
    assert run_budgets(1000, 0, 0, shares=[1.5, 0.5], workers=2) == [1000.0, 1000 / 3]
    assert run_budgets(1000, 0, 0, shares=[1.0, 1.0, 1.0], workers=2) == [500.0, 500.0, 500.0]
    # evaluation runs simulators side by side, but never takes less than its longest simulator
    every = ["kss", "kes_assist2015", "sample_course"]
    assert eval_reserve(every, 2) >= max(EVAL_RESERVE_S.values())
    assert eval_reserve(every, 1) == sum(EVAL_RESERVE_S.values())
    assert eval_reserve(["kss", "sample_course"], 2) == EVAL_RESERVE_S["kss"]


def test_the_seed_interval_widens_when_seeds_disagree():
    rng = np.random.default_rng(0)
    agree = rng.random((3, 600))
    disagree = agree + np.array([[0.0], [0.15], [0.3]])
    mean, lo, hi = mean_ci95_seeds(agree)
    assert lo < mean < hi and mean == agree.mean()
    _, lo2, hi2 = mean_ci95_seeds(disagree)
    assert hi2 - lo2 > 3 * (hi - lo)
    _, plo, phi = mean_ci95(disagree.ravel())  # learners only: too narrow
    assert phi - plo < hi2 - lo2


def _synthetic_assist(path: Path) -> None:
    """Five folds of students; fold f practises only skills 2f and 2f+1, so pools reveal their folds."""
    rng = np.random.default_rng(0)
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["fold", "uid", "concepts", "responses"])
        for fold in range(5):
            for uid in range(8):
                skills = rng.integers(2 * fold, 2 * fold + 2, size=12)
                answers = rng.integers(0, 2, size=12)
                out.writerow([fold, f"{fold}-{uid}", ",".join(map(str, skills)), ",".join(map(str, answers))])


def test_kes_trains_on_one_half_of_the_students_and_is_graded_by_a_model_of_the_other(tmp_path: Path):
    data = tmp_path / "assist.csv"
    _synthetic_assist(data)
    ensure_kes_models(data, tmp_path, budget_s=1.0, workers=1)
    train_ckpt, eval_ckpt = kes_checkpoints(tmp_path)
    assert json.loads(train_ckpt.with_suffix(".json").read_text())["folds"] == sorted(KES_TRAIN_FOLDS)
    assert json.loads(eval_ckpt.with_suffix(".json").read_text())["folds"] == sorted(KES_EVAL_FOLDS)
    assert KES_TRAIN_FOLDS.isdisjoint(KES_EVAL_FOLDS) and 0 not in KES_TRAIN_FOLDS | KES_EVAL_FOLDS
    bench = world("kes_assist2015", data, tmp_path)
    assert bench.train.model is not bench.test.model  # type: ignore[attr-defined]
    train_skills = {s for skills, _ in bench.train.pool for s in skills}  # type: ignore[attr-defined]
    test_skills = {s for skills, _ in bench.test.pool for s in skills}  # type: ignore[attr-defined]
    assert train_skills <= {2, 3, 4, 5}  # warm-ups of folds 1-2
    assert test_skills <= {0, 1}  # warm-ups of fold-0 students, whom neither model saw
    assert bench.train.n_skills == bench.test.n_skills == 10
    # each learner model averages several networks, and no network of one starts where one of the other does
    train_meta, eval_meta = (json.loads(c.with_suffix(".json").read_text()) for c in (train_ckpt, eval_ckpt))
    assert train_meta["members"] == len(train_meta["member_seeds"]) > 1
    assert set(train_meta["member_seeds"]).isdisjoint(eval_meta["member_seeds"])
    # the diagnostic grades with the training-side model, on the same held-out warm-ups
    same = world("kes_assist2015", data, tmp_path, kes_grader="train")
    graders = [dict(w.test.model.state_dict()) for w in (same, bench)]  # type: ignore[attr-defined]
    trained_on = dict(same.train.model.state_dict())  # type: ignore[attr-defined]
    assert all(torch.equal(graders[0][k], trained_on[k]) for k in trained_on)
    assert not all(torch.equal(graders[1][k], trained_on[k]) for k in trained_on)
    assert same.test.pool == bench.test.pool  # type: ignore[attr-defined]


def test_a_kes_policy_trained_before_its_learner_model_was_refitted_is_trained_again(tmp_path: Path):
    data = tmp_path / "assist.csv"
    _synthetic_assist(data)
    n_actions = {"kes_assist2015": 10}
    policy = tmp_path / "policy_kes_assist2015_responses.pt"
    save_checkpoint(policy, ActorCritic(PolicyConfig(obs_dim=4, n_actions=10)))
    ensure_kes_models(data, tmp_path, budget_s=1.0, workers=1)  # fitted after the policy was saved
    stale = missing_jobs(["kes_assist2015"], 1, tmp_path, data, n_actions, retrain=False, iterations=None)
    assert {job.path: job.stale for job in stale}[policy]  # trained afresh, even with --resume
    save_checkpoint(policy, ActorCritic(PolicyConfig(obs_dim=4, n_actions=10)))  # trained after the refit
    fresh = missing_jobs(["kes_assist2015"], 1, tmp_path, data, n_actions, retrain=False, iterations=None)
    assert policy not in {job.path for job in fresh} and len(fresh) == 1  # the privileged view is still missing


def test_a_kes_learner_model_fitted_with_other_settings_is_fitted_again(tmp_path: Path):
    data = tmp_path / "assist.csv"
    _synthetic_assist(data)
    ensure_kes_models(data, tmp_path, budget_s=1.0, workers=1)
    train_ckpt, eval_ckpt = kes_checkpoints(tmp_path)
    assert json.loads(train_ckpt.with_suffix(".json").read_text())["weight_decay"] == WEIGHT_DECAY
    kept = {c: c.stat().st_mtime_ns for c in (train_ckpt, eval_ckpt)}
    ensure_kes_models(data, tmp_path, budget_s=1.0, workers=1)
    assert {c: c.stat().st_mtime_ns for c in kept} == kept  # fitted with today's settings: reused
    meta = json.loads(train_ckpt.with_suffix(".json").read_text())
    older = {key: value for key, value in meta.items() if key != "weight_decay"}  # fitted before it was recorded
    train_ckpt.with_suffix(".json").write_text(json.dumps(older))
    ensure_kes_models(data, tmp_path, budget_s=1.0, workers=1)
    assert json.loads(train_ckpt.with_suffix(".json").read_text())["weight_decay"] == WEIGHT_DECAY
    assert train_ckpt.stat().st_mtime_ns != kept[train_ckpt] and eval_ckpt.stat().st_mtime_ns == kept[eval_ckpt]


def test_a_policy_trained_with_other_ppo_settings_is_trained_again_and_a_promoted_one_is_kept(tmp_path: Path):
    sim = make_kss()
    path = policy_path(tmp_path, "kss", "responses", 0)

    def jobs() -> dict[Path, bool]:
        found = missing_jobs(["kss"], 1, tmp_path, tmp_path / "d.csv", {"kss": 10}, retrain=False, iterations=None)
        return {job.path: job.stale for job in found}

    PPOTrainer(sim, "responses", ppo_settings("kss")).save(path)
    assert path not in jobs()  # today's settings: reused
    PPOTrainer(sim, "responses", PPOSettings(lr=1e-3, entropy=0.003)).save(path)
    assert jobs()[path]  # trained with the old settings: trained afresh, never resumed
    save_checkpoint(path, ActorCritic(PolicyConfig(obs_dim=71, n_actions=10)), {"policy_version": 3})
    assert path not in jobs()  # a promoted policy records no PPO settings: kept
    kes = ppo_settings("kes_assist2015")
    assert kes.entropy < ppo_settings("kss").entropy and kes.lr == ppo_settings("kss").lr


def test_resuming_trains_at_todays_learning_rate(tmp_path: Path):
    sim = make_kss()
    path = tmp_path / "policy.pt"
    old = PPOTrainer(sim, "responses", PPOSettings(lr=1e-3, hidden=8, batch_learners=8))
    old.train(60.0, path, max_iterations=1)
    resumed = PPOTrainer(sim, "responses", PPOSettings(lr=2e-3, hidden=8, batch_learners=8))
    resumed.resume(path)
    assert resumed.iteration == 1 and resumed.optim.state  # the optimizer's moments came back
    assert {group["lr"] for group in resumed.optim.param_groups} == {2e-3}
