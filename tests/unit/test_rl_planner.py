"""The oracle planner: exact on a small graph whose optimum is known, never below its base teachers."""

import itertools

import numpy as np
import pytest

from recommender.rl.baselines import GreedyPolicy, RulePolicy
from recommender.rl.evaluate import evaluate, run_episode
from recommender.rl.planner import RolloutPlanner
from recommender.simulation.graph import SkillGraph
from recommender.simulation.kes import KESSimulator
from recommender.simulation.kss import RuleSimulator, make_kss

# A prerequisite chain 0 -> 1 -> 2 with the target at the end: practising the target early is
# almost worthless (its prerequisites are far from mastered); building them up first pays.
CHAIN = SkillGraph(nodes=("a", "b", "c"), edges=((0, 1), (1, 2)))
STARTS = np.array([[-3.0, -3.1, 0.8], [-1.0, -3.1, -3.2], [-2.0, -1.1, -2.2], [0.0, -1.1, -0.2], [0.0, -0.1, -0.2]])
DIFFICULTY = np.array([3.0, 2.0, 1.0])


class FixedLearners(RuleSimulator):
    """The chain with hand-set learners (no warm-up) whose only target is the last skill."""

    def reset(self, n: int, seed: int) -> None:
        self.state = STARTS[:n].copy()
        self.last = np.full(n, -1)
        self.targets = np.zeros((n, 3), dtype=bool)
        self.targets[:, 2] = True
        self.warmup_log = [[] for _ in range(n)]
        self.e_start = self.exam()


def chain() -> FixedLearners:
    return FixedLearners(CHAIN, DIFFICULTY)


def brute_force_best(horizon: int) -> np.ndarray:
    """Each learner's best final exam over every sequence of moves."""
    sim, best = chain(), np.zeros(len(STARTS))
    for moves in itertools.product(range(3), repeat=horizon):
        sim.reset(len(STARTS), 0)
        for move in moves:
            sim.step(np.full(len(STARTS), move))
        best = np.maximum(best, sim.exam())
    return best


@pytest.mark.parametrize("horizon", [3, 4])
def test_exhaustive_planner_reaches_the_known_optimum(horizon: int):
    optimum = brute_force_best(horizon)
    sim = chain()
    run_episode(sim, RolloutPlanner([GreedyPolicy()], depth=horizon), len(STARTS), 0, horizon)
    assert np.array_equal(sim.exam(), optimum)
    assert (sim.e_start == 0).all() and optimum.sum() >= 3  # several learners can reach it: the test has teeth


def test_planner_beats_greedy_where_greedy_practises_the_target_too_early():
    greedy = run_episode(chain(), GreedyPolicy(), len(STARTS), 0, 3)
    one_step = run_episode(chain(), RolloutPlanner([GreedyPolicy()]), len(STARTS), 0, 3)
    exhaustive = run_episode(chain(), RolloutPlanner([GreedyPolicy()], depth=3), len(STARTS), 0, 3)
    assert greedy.sum() < one_step.sum() <= exhaustive.sum() == brute_force_best(3).sum()


def test_one_step_planner_is_never_below_any_base_teacher_on_any_learner():
    sim = make_kss()
    base = [GreedyPolicy(), RulePolicy()]
    planned = evaluate(sim, RolloutPlanner(base), 120, [5], 12)
    for teacher in (GreedyPolicy(), RulePolicy()):
        alone = evaluate(sim, teacher, 120, [5], 12)
        assert (planned >= alone - 1e-9).all()
    assert planned.mean() > max(evaluate(sim, t, 120, [5], 12).mean() for t in base)


def test_planner_copies_of_a_stochastic_simulator():
    import torch

    from recommender.simulation.kes_model import DKT, DKTConfig, DKTEnsemble

    torch.manual_seed(0)
    pool = [([0, 1, 2, 3, 4, 0], [1, 0, 1, 1, 0, 1]), ([5, 5, 6, 7, 8, 9, 9], [0, 0, 1, 1, 1, 0, 1])]
    sim = KESSimulator(DKTEnsemble([DKT(DKTConfig(n_skills=12, hidden=8, embed=8)) for _ in range(2)]), pool)
    sim.reset(30, seed=2)
    twin = sim.clone()
    actions = np.arange(30) % 12
    assert np.array_equal(twin.step(actions), sim.step(actions))  # same answers: same random draws
    assert np.allclose(twin.prob, sim.prob)
    clairvoyant = evaluate(sim, RolloutPlanner([GreedyPolicy()], extra_candidates=3, clairvoyant=True), 30, [2], 6)
    alone = evaluate(sim, GreedyPolicy(), 30, [2], 6)
    assert (clairvoyant >= alone - 1e-9).all()
    # by default the planner's copies draw future answers from their own stream, not the learners'
    planner = RolloutPlanner([GreedyPolicy()])
    sim.reset(30, seed=2)
    real, copy = sim.clone(), planner._copy(sim.clone())
    assert not np.array_equal(real.rng.random(100), copy.rng.random(100))  # type: ignore[attr-defined]
    tiled = sim.tile(4)
    answers = tiled.step(np.repeat(np.arange(30) % 12, 4)).reshape(30, 4)
    assert (answers == answers[:, :1]).all()  # replicas of a learner taught alike answer alike


def test_planner_needs_a_base_teacher():
    with pytest.raises(ValueError):
        RolloutPlanner([])
