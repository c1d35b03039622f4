"""The recommender policy's feedback loop, piece by piece: the weight of an answer, each student's cap, the
gate's decision, atomic promotion, reloading in the serving process, the schedule."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from recommender.loop.config import EVAL_SEED_BASE, LoopConfig
from recommender.loop.gate import decide
from recommender.loop.logged import build_logged, signal
from recommender.loop.store import ServingPolicy, previous_path, promote, read_serving
from recommender.policy_tasks import beat_schedule
from recommender.rl.features import obs_dim
from recommender.rl.model import ActorCritic, PolicyConfig
from tutor.settings import Settings

SKILLS = ["python.loops", "python.lists", "python.functions"]


def model(bias: float = 0.0) -> ActorCritic:
    net = ActorCritic(PolicyConfig(obs_dim("responses", len(SKILLS)), len(SKILLS), "responses", 16, SKILLS))
    with torch.no_grad():
        net.actor.bias[0] = bias
    return net


def answer(user: str, n: int, action: str = "accepted", skills: list[str] | None = None, rating: int | None = None):
    return {
        "_id": f"{user}-{n}",
        "user_id": user,
        "action": action,
        "rating": rating,
        "skills": skills if skills is not None else ["python.loops"],
        "context": {"mastery": {"python.loops": 0.3}, "target_skills": ["python.lists"]},
    }


def test_what_an_answer_says() -> None:
    quiz = {"kind": "quiz_submitted"}
    assert signal(answer("a", 1, "dismissed"), []) == -1.0
    assert signal(answer("a", 1, "dismissed", rating=5), []) == -0.5  # good advice, not now
    assert signal(answer("a", 1), []) == 0.5  # accepted, nothing known yet
    assert signal(answer("a", 1), [{"kind": "lesson_completed"}]) == 1.0  # followed through
    assert signal(answer("a", 1, rating=4), []) == 1.0
    assert signal(answer("a", 1), [{**quiz, "gain": 0.2}]) == 1.0
    assert signal(answer("a", 1), [{**quiz, "gain": -0.2}]) == -0.5  # mastery fell after it
    assert signal(answer("a", 1, rating=1), [{"kind": "lesson_completed"}]) == -0.5


def test_one_student_sending_hundreds_of_answers_has_no_more_weight_than_any_other() -> None:
    poison = [answer("poison", n, "dismissed") for n in range(500)]
    honest = [answer(f"s{k}", n) for k in range(10) for n in range(3)]
    logged = build_logged([*poison, *honest], [], model(), min_students=20)
    assert logged.n_feedback == 530 and logged.n_students == 11 and logged.n_examples == 530
    assert logged.share["poison"] == pytest.approx(1 / 20)  # capped: at most 1 / max(students, 20)
    assert logged.max_student_share <= 1 / 20 + 1e-9
    assert sum(logged.share.values()) <= 11 / 20 + 1e-6
    # With more students than min_students, each one's share shrinks with the crowd.
    crowd = [answer(f"c{k}", 0) for k in range(99)]
    logged = build_logged([*poison, *crowd], [], model(), min_students=20)
    assert logged.share["poison"] == pytest.approx(1 / 100)
    assert (logged.weight[: len(poison)] < 0).all()


def test_answers_about_items_the_policy_does_not_teach_are_left_out() -> None:
    logged = build_logged([answer("a", 1, skills=["cooking.knives"]), answer("a", 2)], [], model(), 1)
    assert logged.n_feedback == 2 and logged.n_examples == 1
    assert logged.actions.shape == (1, len(SKILLS)) and logged.actions[0, 0] == 1.0
    assert logged.mask[0].all()  # nothing mastered in the snapshot: every skill is a move the product considers
    empty = build_logged([], [], model(), 20)
    assert empty.n_examples == 0 and empty.max_student_share == 0.0


def test_the_gate_promotes_only_a_candidate_that_is_not_worse() -> None:
    assert decide(0.40, 0.41, None, 0.01).promote
    assert decide(0.40, 0.395, None, 0.01).promote  # within the tolerance
    worse = decide(0.40, 0.38, None, 0.01)
    assert not worse.promote and "below the serving policy's 0.4000" in worse.reason
    # Repeated "not worse" promotions cannot drift down: the best of the line bounds them too.
    drift = decide(0.392, 0.385, 0.40, 0.01)
    assert not drift.promote and "best of this policy's line" in drift.reason
    assert decide(0.392, 0.395, 0.40, 0.01).best_ep == 0.40


def test_a_promotion_replaces_the_checkpoint_and_keeps_the_previous(tmp_path: Path) -> None:
    path = tmp_path / "models" / "policy.pt"
    promote(model(0.0), path, {"policy_version": "v1"})
    assert read_serving(path).version == "v1" and not previous_path(path).exists()
    promote(model(3.0), path, {"policy_version": "v2"})
    assert read_serving(path).version == "v2"
    previous = read_serving(previous_path(path))
    assert previous.version == "v1" and previous.model is not None
    assert float(previous.model.actor.bias[0].detach()) == 0.0
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "policy.json",
        "policy.previous.json",
        "policy.previous.pt",
        "policy.pt",
    ]  # no staging or temporary file left behind


def test_the_serving_process_reloads_a_promoted_policy_and_only_then(tmp_path: Path) -> None:
    path = tmp_path / "policy.pt"
    serving = ServingPolicy(path)
    assert serving.current().model is None  # no checkpoint: the heuristic serves
    promote(model(0.0), path, {"policy_version": "v1"})
    first = serving.current()
    assert first.model is not None and serving.current() is first  # not read again while unchanged
    promote(model(5.0), path, {"policy_version": "v2"})
    stamp = path.stat().st_mtime_ns
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))  # a coarse file clock must not hide the change
    second = serving.current()
    assert second is not first and second.model is not None and float(second.model.actor.bias[0].detach()) == 5.0
    path.unlink()
    assert serving.current().model is None


def test_the_job_reads_its_settings_and_is_scheduled_by_interval() -> None:
    settings = Settings(policy_train_iterations=4, policy_eval_seeds=2, policy_tolerance=0.02)
    config = LoopConfig.from_settings(settings, batch_learners=32)
    assert (config.iterations, config.tolerance, config.batch_learners) == (4, 0.02, 32)
    assert config.eval_seed_list == [EVAL_SEED_BASE, EVAL_SEED_BASE + 1]
    assert EVAL_SEED_BASE + 100 < 900_001 and EVAL_SEED_BASE > 3  # disjoint from training and bench seeds
    entry = beat_schedule(Settings(policy_train_interval_s=3600))["train-recommender-policy"]
    assert entry == {"task": "recommender.train_policy", "schedule": 3600, "kwargs": {"trigger": "schedule"}}
    assert beat_schedule(Settings(policy_train_interval_s=0)) == {}
