"""The policy-training job end to end on a real database: a simulated stream of feedback → a candidate → a
recorded decision; a poisoned stream does not degrade the serving policy; a worse candidate is rejected.

Training budgets are tiny (a few PPO batches, a few hundred evaluation learners), so each run takes seconds.
Each test has a database of its own on the session's server, so other tests' feedback does not mix in.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import torch

import recommender.loop.job as job
from app import cli
from app.components import policy_path
from recommender.loop.candidate import Candidate
from recommender.loop.config import LEASE_NAME, LoopConfig
from recommender.loop.gate import evaluate_ep
from recommender.loop.logged import build_logged
from recommender.loop.store import previous_path, read_serving
from recommender.rl.ppo import PPOSettings, PPOTrainer
from recommender.simulation.kss import make_kss
from recommender.simulation.sample_course import make_sample_course
from tests.fakes.feedback_stream import poisoned_student, simulated_stream
from tutor.db import Mongo
from tutor.repositories.bundle import Repositories
from tutor.settings import Settings, get_settings

pytestmark = pytest.mark.asyncio

TINY = LoopConfig(iterations=3, batch_learners=64, eval_learners=150, eval_seeds=2, tolerance=0.01, min_students=20)


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small networks: more threads only contend with the servers of the session
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def trained_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small serving policy trained on the sample course (well above a random one)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        trainer = PPOTrainer(make_sample_course(), settings=PPOSettings(batch_learners=128), seed=0)
        trainer.train(600, max_iterations=15)
        path = tmp_path_factory.mktemp("trained") / "policy.pt"
        trainer.save(path)
    finally:
        torch.set_num_threads(threads)
    return path


@pytest.fixture
def serving_path(trained_checkpoint: Path, tmp_path: Path) -> Path:
    """This test's serving checkpoint: a copy of the trained one."""
    path = tmp_path / "models" / "policy.pt"
    path.parent.mkdir()
    shutil.copy2(trained_checkpoint, path)
    shutil.copy2(trained_checkpoint.with_suffix(".json"), path.with_suffix(".json"))
    return path


@pytest.fixture
async def records(settings) -> AsyncIterator[Repositories]:
    name = f"loop_{uuid.uuid4().hex[:8]}"
    mongo = Mongo(settings.mongodb_url or "", name)
    await mongo.ensure_indexes()
    try:
        yield Repositories.over(mongo)
    finally:
        await mongo.client.drop_database(name)
        await mongo.close()


def serving_ep(path: Path) -> float:
    """E_p of whatever serves at ``path`` now, on the gate's held-out learners."""
    return evaluate_ep(make_sample_course(), read_serving(path).model, TINY)


async def test_a_stream_of_feedback_trains_a_candidate_and_records_the_decision(records, serving_path):
    size = await simulated_stream(records, students=40, rounds=3, seed=11)
    before_bytes = serving_path.read_bytes()
    before_ep = serving_ep(serving_path)

    doc = await job.run_policy_update(records, TINY, serving_path, "test")

    assert doc is not None and doc["decision"] in ("promoted", "rejected"), doc
    assert doc["serving_kind"] == "policy" and doc["serving_ep"] == pytest.approx(before_ep, abs=1e-6)
    assert isinstance(doc["candidate_ep"], float) and doc["reason"]
    assert (doc["n_feedback"], doc["n_interactions"], doc["n_students"]) == (size.answers, size.interactions, 40)
    assert doc["n_examples"] == size.answers and 0 < doc["max_student_share"] <= 1 / 40 + 1e-9
    assert doc["evaluation"]["seeds"] == TINY.eval_seed_list and doc["training"]["iterations"] == 3
    assert [d["_id"] for d in await records.policy_decisions.latest(10)] == [doc["_id"]]
    now = read_serving(serving_path)
    if doc["decision"] == "promoted":
        assert now.version == doc["candidate_version"] and now.meta["parent_version"] == "external"
        assert previous_path(serving_path).read_bytes() == before_bytes  # the replaced policy is kept
        assert doc["candidate_ep"] >= doc["serving_ep"] - TINY.tolerance
    else:
        assert serving_path.read_bytes() == before_bytes and not previous_path(serving_path).exists()
        assert doc["candidate_ep"] < doc["serving_ep"] - TINY.tolerance
    assert serving_ep(serving_path) >= before_ep - TINY.tolerance


async def test_a_poisoned_stream_does_not_degrade_the_serving_policy(records, serving_path):
    honest = await simulated_stream(records, students=10, rounds=2, seed=12)
    sent = await poisoned_student(records, "poison", items=200, repeats=3)
    assert sent == 600
    before_ep = serving_ep(serving_path)

    doc = await job.run_policy_update(records, TINY, serving_path, "test")

    assert doc is not None and doc["decision"] in ("promoted", "rejected"), doc
    assert doc["n_students"] == 11 and doc["n_feedback"] == 200 + honest.answers
    # The poisoned student's 200 answers weigh no more than any one honest student's.
    assert doc["max_student_share"] <= 1 / TINY.min_students + 1e-9
    model = read_serving(serving_path).model
    assert model is not None
    answers = await records.feedback.since(doc["decided_at"].replace(year=2000), 10_000)
    logged = build_logged(answers, [], model, TINY.min_students)
    assert logged.share["poison"] <= 1 / TINY.min_students + 1e-9 and logged.n_examples == 200 + honest.answers
    # Whatever was decided, what serves now is not worse on held-out learners than before.
    assert serving_ep(serving_path) >= before_ep - TINY.tolerance
    assert doc["serving_ep"] == pytest.approx(before_ep, abs=1e-6)


async def test_a_worse_candidate_is_rejected_and_the_serving_policy_stays(records, serving_path, monkeypatch):
    await simulated_stream(records, students=5, rounds=1, seed=13)
    before = serving_path.read_bytes()

    def sabotaged(sim, serving, logged, config, start_iteration=0):
        model = read_serving(serving_path).model
        assert model is not None
        with torch.no_grad():
            model.actor.weight.zero_()
            model.actor.bias.zero_()
            model.actor.bias[-1] = 50.0  # always the last skill, whatever the learner knows
        return Candidate(model, 1, 0.0, start_iteration, start_iteration + 1)

    monkeypatch.setattr(job, "fine_tune", sabotaged)
    doc = await job.run_policy_update(records, TINY, serving_path, "test")

    assert doc is not None and doc["decision"] == "rejected", doc
    assert doc["candidate_ep"] < doc["serving_ep"] - TINY.tolerance and "below" in doc["reason"]
    assert serving_path.read_bytes() == before and not previous_path(serving_path).exists()


async def test_a_serving_policy_of_other_skills_fails_the_run_and_stays(records, tmp_path):
    trainer = PPOTrainer(make_kss(), settings=PPOSettings(batch_learners=16, hidden=16), seed=0)
    path = tmp_path / "policy.pt"
    trainer.save(path)
    before = path.read_bytes()
    doc = await job.run_policy_update(records, TINY, path, "test")
    assert doc is not None and doc["decision"] == "failed" and "retrain" in doc["reason"]
    assert doc["serving_ep"] is None and doc["candidate_version"] is None
    assert path.read_bytes() == before


async def test_without_a_trained_policy_the_heuristic_is_the_one_to_beat(records, tmp_path):
    path = tmp_path / "models" / "policy.pt"
    doc = await job.run_policy_update(records, replace(TINY, iterations=1), path, "test")
    assert doc is not None and doc["serving_kind"] == "heuristic" and doc["serving_version"] is None
    assert doc["decision"] in ("promoted", "rejected") and doc["serving_ep"] > 0
    assert path.exists() == (doc["decision"] == "promoted")


async def test_one_run_at_a_time_and_a_schedule_runs_once_per_interval(records, serving_path):
    assert await records.job_leases.acquire(LEASE_NAME, "someone-else", 60)
    assert await job.run_policy_update(records, TINY, serving_path, "test") is None
    assert await records.policy_decisions.latest(5) == []
    await records.job_leases.release(LEASE_NAME, "someone-else")
    first = await job.run_policy_update(records, replace(TINY, iterations=1), serving_path, "schedule", 3600)
    assert first is not None
    # A second scheduler firing within half an interval does not train again.
    assert await job.run_policy_update(records, TINY, serving_path, "schedule", 3600) is None
    assert len(await records.policy_decisions.latest(5)) == 1


async def test_tutor_policy_train_and_history(cli_env, trained_checkpoint, tmp_path, capsys, monkeypatch):
    var = tmp_path / "var"
    path = policy_path(Settings(var_dir=var))
    path.parent.mkdir(parents=True)
    shutil.copy2(trained_checkpoint, path)
    shutil.copy2(trained_checkpoint.with_suffix(".json"), path.with_suffix(".json"))
    for name, value in {
        "TUTOR_VAR_DIR": str(var),
        "TUTOR_POLICY_EVAL_LEARNERS": "50",
        "TUTOR_POLICY_EVAL_SEEDS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()

    assert await asyncio.to_thread(cli.main, ["policy", "train", "--iterations", "1"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["trigger"] == "cli" and decision["decision"] in ("promoted", "rejected")
    assert decision["training"]["iterations"] == 1 and decision["evaluation"]["learners"] == 50
    assert read_serving(path).version == (decision["candidate_version"] or "external")
    assert await asyncio.to_thread(cli.main, ["policy", "history", "--limit", "50"]) == 0
    assert f"{decision['decision']:>8}  serving {decision['serving_ep']}" in capsys.readouterr().out
