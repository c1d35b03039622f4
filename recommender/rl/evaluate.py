"""Run teaching policies on simulated learners and measure E_p."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import numpy as np

from recommender.rl.base import TeachingPolicy
from recommender.simulation.base import Simulator
from recommender.simulation.metrics import learning_gain


def run_episode(sim: Simulator, policy: TeachingPolicy, n: int, seed: int, horizon: int) -> np.ndarray:
    """Reset ``n`` learners from ``seed``, teach ``horizon`` steps, return per-learner E_p.

    As in EduSim, a move the learner does not accept is not corrected: the step is wasted.
    """
    sim.reset(n, seed)
    policy.begin(sim, horizon)
    for step in range(horizon):
        actions = policy.act(sim, step)
        policy.observe(actions, sim.step(actions))
    return learning_gain(sim.e_start, sim.exam(), sim.e_sup())


def evaluate(sim: Simulator, policy: TeachingPolicy, n: int, seeds: Iterable[int], horizon: int) -> np.ndarray:
    """E_p of every learner over several environment seeds."""
    return np.concatenate([run_episode(sim, policy, n, seed, horizon) for seed in seeds])


S = TypeVar("S")


def pick_best(sim: Simulator, make: Callable[[S], TeachingPolicy], grid: Iterable[S], n: int,
                seeds: Iterable[int], horizon: int) -> tuple[S, float]:
    """Pick the candidate (a setting, or an policy) with the best mean E_p on validation seeds."""
    seeds = list(seeds)
    settings = list(grid)
    best, best_ep = settings[0], -np.inf
    for setting in settings:
        ep = float(evaluate(sim, make(setting), n, seeds, horizon).mean())
        if ep > best_ep:
            best, best_ep = setting, ep
    return best, best_ep
