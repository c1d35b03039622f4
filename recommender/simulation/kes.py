"""KES-style simulator: the learner is a DKT model trained on ASSISTments 2015.

* warm-up: a real student's opening interactions (5-20) replayed into the model;
* targets: 3-10 random skills; the exam score is the summed P(correct) over targets, so
  E_sup = number of targets;
* a step practises one skill: the learner answers with P(correct) from the model (sampled,
  so responses are noisy), and the model's state advances on that interaction;
* ASSISTments 2015 has no prerequisite map, so every move is accepted.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import torch

from recommender.simulation.assist import read_pykt
from recommender.simulation.base import Simulator
from recommender.simulation.graph import SkillGraph
from recommender.simulation.kes_model import DKTEnsemble

WARMUP_RANGE = (5, 20)


class KESSimulator(Simulator):
    """Batched learners whose knowledge is a trained DKT's hidden state."""

    def __init__(self, model: DKTEnsemble, warmup_pool: list[tuple[list[int], list[int]]]) -> None:
        """Create the simulator.

        Args:
            model: Trained learner model.
            warmup_pool: Real (skills, responses) sequences to draw warm-ups from.
        """
        self.model = model
        self.pool = [seq for seq in warmup_pool if len(seq[0]) >= WARMUP_RANGE[0]]
        size = model.config.n_skills
        self.graph = SkillGraph(nodes=tuple(str(i) for i in range(size)), edges=())
        self.prob = np.zeros((0, size))

    def reset(self, n: int, seed: int) -> None:
        """Draw learners: a real warm-up replayed into the model, and random targets."""
        rng = np.random.default_rng(seed)
        self.rng = rng
        size = self.n_skills
        picks = rng.integers(len(self.pool), size=n)
        lengths = rng.integers(WARMUP_RANGE[0], WARMUP_RANGE[1] + 1, size=n)
        self.warmup_log = []
        for pick, length in zip(picks, lengths, strict=True):
            skills, resp = self.pool[int(pick)]
            self.warmup_log.append(list(zip(skills[:length], resp[:length], strict=True)))
        self.targets = np.zeros((n, size), dtype=bool)
        for i in range(n):
            self.targets[i, rng.choice(size, size=int(rng.integers(3, 11)), replace=False)] = True
        with torch.no_grad():
            state = self.model.initial_state(n)
            prob = self.model.prior(n)
            width = max(len(log) for log in self.warmup_log)
            for t in range(width):
                live = torch.tensor([t < len(log) for log in self.warmup_log])
                sk = torch.tensor([log[t][0] if t < len(log) else 0 for log in self.warmup_log])
                rs = torch.tensor([log[t][1] if t < len(log) else 0 for log in self.warmup_log])
                new_state, new_prob = self.model.step(state, sk, rs)
                keep = live.view(1, -1, 1)
                state = (torch.where(keep, new_state[0], state[0]), torch.where(keep, new_state[1], state[1]))
                prob = torch.where(live.view(-1, 1), new_prob, prob)
        self.state = state
        self.copies = 1  # replicas per learner (see tile): they share one random draw per step
        self.prob = prob.numpy().astype(float)
        self.last = np.array([log[-1][0] for log in self.warmup_log])
        self.e_start = self.exam()

    def accepted(self) -> np.ndarray:
        """No prerequisite map: every skill is accepted."""
        return np.ones((len(self.targets), self.n_skills), dtype=bool)

    def step(self, actions: np.ndarray) -> np.ndarray:
        """Answer an item of each chosen skill, then learn from it."""
        rows = np.arange(len(actions))
        draws = np.repeat(self.rng.random(len(actions) // self.copies), self.copies)
        responses = np.asarray(draws < self.prob[rows, actions], dtype=np.int64)
        with torch.no_grad():
            self.state, prob = self.model.step(self.state, torch.as_tensor(actions), torch.as_tensor(responses))
        self.prob = prob.numpy().astype(float)
        self.last = np.asarray(actions)
        return responses

    def exam(self) -> np.ndarray:
        """Expected number of target skills answered correctly."""
        return np.asarray((self.prob * self.targets).sum(axis=1))

    def true_state(self) -> np.ndarray:
        """The model's P(correct) on every skill."""
        return self.prob

    def clone(self) -> KESSimulator:
        """A copy of the learners and of the response random stream, sharing the trained model."""
        twin = copy.copy(self)
        twin.state = (self.state[0].clone(), self.state[1].clone())
        twin.prob, twin.last = self.prob.copy(), self.last.copy()
        twin.rng = copy.deepcopy(self.rng)
        return twin

    def reseed(self, seed: int) -> None:
        """Draw this copy's future answers from a new stream (a planner must not see the real one)."""
        self.rng = np.random.default_rng(seed)

    def tile(self, copies: int) -> KESSimulator:
        """``copies`` replicas of every learner that draw their answers from the learner's own draws."""
        twin = self.clone()
        twin.state = (self.state[0].repeat_interleave(copies, dim=1), self.state[1].repeat_interleave(copies, dim=1))
        twin.prob, twin.last = np.repeat(self.prob, copies, axis=0), np.repeat(self.last, copies)
        twin.targets, twin.e_start = np.repeat(self.targets, copies, axis=0), np.repeat(self.e_start, copies)
        twin.warmup_log = [log for log in self.warmup_log for _ in range(copies)]
        twin.copies = self.copies * copies
        return twin


def make_kes(checkpoint: Path, data: Path, folds: set[int] | None = None) -> KESSimulator:
    """Load the trained learner and the warm-up pool (default: held-out fold 0 students)."""
    from recommender.simulation.kes_model import load_dkt

    return KESSimulator(load_dkt(checkpoint), read_pykt(data, folds if folds is not None else {0}))
