"""KSS-style rule simulator (after EduSim's KSS environment, re-implemented).

Semantics kept from EduSim because policies trained elsewhere depend on them:

* abilities start at ``randint(-3, 0) - 0.1 * i`` and are capped at 5;
* learning skill k adds ``0.5 * (5 - a_k) * exp(-sum_prereq (5 - a_p))``, so practice only
  pays once prerequisites are near full ability; half of a gain spills over to each successor;
* a learner ignores a move that is not accepted from the last skill it learned: the step is
  wasted (the simulator never corrects it; a teacher may mask such moves itself);
* a response follows EduSim's 3-parameter IRT ``c + (1 - c) / (1 + exp(-1.7 a (theta - b)))``
  with discrimination ``a = 5`` and guessing ``c = 0.25``, made binary at ``P >= 0.5``, which
  holds for ``theta >= b - ln 2 / 8.5``; the exam scores target skills the same way;
* a scripted warm-up (study the first skill in networkx's topological order whose ``P < 0.6``,
  repeat errors, review successes) precedes each episode; learners who already pass every
  target after it are redrawn;
* E_p is EduSim's episode reward ``(final - initial) / (full - initial)`` on the targets.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Sequence

import numpy as np

from recommender.simulation.base import Simulator
from recommender.simulation.graph import SkillGraph, kss_graph

CAP = 5.0
FLOOR = -3.9  # lowest starting ability: randint(-3, 0) - 0.1 * 9; abilities only grow
IRT_D = 1.7  # logistic scaling constant of the IRT response curve
IRT_DISCRIMINATION = 5.0  # EduSim's default item discrimination
IRT_GUESS = 0.25  # EduSim's default guessing parameter
PASS_PROBABILITY = 0.5  # a response (and an exam item) is correct when P(correct) >= this
WARMUP_WEAK = 0.6  # the warm-up studies the first skill whose P(correct) is below this
KSS_DIFFICULTY_ORDER = (5, 0, 1, 2, 3, 4, 6, 7, 8, 9)


def margin(probability: float) -> float:
    """How far below an item's difficulty an ability still has EduSim's IRT ``P(correct) >= probability``.

    With ``x = D a (theta - b)``: ``c + (1 - c) / (1 + e^-x) >= p``  <=>  ``x >= -ln((1 - c) / (p - c) - 1)``,
    so the response curve never has to be evaluated: comparing the ability with ``b - margin(p)`` is the same.
    """
    return math.log((1.0 - IRT_GUESS) / (probability - IRT_GUESS) - 1.0) / (IRT_D * IRT_DISCRIMINATION)


def draw_difficulties(n: int, order: Sequence[int], seed: int) -> np.ndarray:
    """Sorted random integer difficulties in [0, 5], assigned along ``order`` (easy first).

    Python's ``random`` is used so that seed 10 gives the same question bank as EduSim's KSS.
    """
    rng = random.Random(seed)
    values = sorted(rng.randint(0, 5) for _ in range(n))
    diff = np.zeros(n)
    for rank, node in enumerate(order):
        diff[node] = values[rank]
    return diff


class RuleSimulator(Simulator):
    """Prerequisite-gated rule simulator on any skill graph (KSS when given the KSS graph)."""

    def __init__(self, graph: SkillGraph, difficulty: np.ndarray, warmup_steps: int = 20) -> None:
        """Create the simulator.

        Args:
            graph: Skill graph; its accepted moves constrain every learner.
            difficulty: Per-skill item difficulty on the ability scale.
            warmup_steps: Length of the scripted warm-up.
        """
        self.graph = graph
        self.difficulty = np.asarray(difficulty, dtype=float)
        self._pass_at = self.difficulty - margin(PASS_PROBABILITY)  # ability at which an item is answered right
        self.warmup_steps = warmup_steps
        self._accept = graph.accepted_matrix()
        self._promote = graph.promotion_matrix()
        self._pred = np.zeros((graph.size, graph.size))
        for a, b in graph.edges:
            self._pred[a, b] = 1.0
        self._topo = graph.generation_order()
        self._preds_py = [graph.predecessors(k) for k in range(graph.size)]
        self._promote_py = [[(j, float(w)) for j, w in enumerate(row) if w > 0] for row in self._promote]
        self._accept_py = self._accept.tolist()
        self._pass_py = self._pass_at.tolist()
        self._weak_py = (self.difficulty - margin(WARMUP_WEAK)).tolist()  # below it: P(correct) < WARMUP_WEAK
        self.state = np.zeros((0, graph.size))

    # ---- learner dynamics (batched) ----
    def _learn(self, state: np.ndarray, last: np.ndarray, actions: np.ndarray) -> np.ndarray:
        ok = (last < 0) | self._accept[np.maximum(last, 0), actions]
        rows = np.arange(len(actions))
        gap = ((CAP - state) * self._pred[:, actions].T).sum(axis=1)
        inc = 0.5 * (CAP - state[rows, actions]) * np.exp(-gap)
        state += (ok * inc)[:, None] * self._promote[actions]
        np.minimum(state, CAP, out=state)
        return np.where(ok, actions, last)

    def _respond(self, state: np.ndarray, actions: np.ndarray) -> np.ndarray:
        rows = np.arange(len(actions))
        return np.asarray(state[rows, actions] >= self._pass_at[actions], dtype=np.int64)

    # ---- scripted warm-up (one learner, plain Python: tiny arrays make numpy slow here) ----
    def _warm_up(self, ability: list[float], rng: np.random.Generator) -> tuple[int, list[tuple[int, int]]]:
        preds, promote, accept = self._preds_py, self._promote_py, self._accept_py
        pass_at, weak_at = self._pass_py, self._weak_py
        last = -1
        log: list[tuple[int, int]] = []

        def practice(item: int) -> None:
            nonlocal last
            if last < 0 or accept[last][item]:
                last = item
                ratio = math.exp(-sum(CAP - ability[p] for p in preds[item]))
                inc = 0.5 * (CAP - ability[item]) * ratio
                for node, share in promote[item]:
                    ability[node] = min(CAP, ability[node] + inc * share)
            log.append((item, int(ability[item] >= pass_at[item])))

        while len(log) < self.warmup_steps:
            if log and log[-1][1] == 1 and len({s for s, _ in log[-3:]}) > 1:
                if len(log) < self.warmup_steps - 1:  # review a fresh success once
                    practice(log[-1][0])
                item = log[-1][0]
            elif log and log[-1][1] == 0 and rng.random() < 0.7:
                item = log[-1][0]  # retry an error
            elif rng.random() < 0.9:
                weak = next((k for k in self._topo if ability[k] < weak_at[k]), None)
                if weak is None:
                    break
                item = weak
            else:
                item = int(rng.integers(self.graph.size))
            practice(item)
        return last, log

    # ---- Simulator API ----
    def reset(self, n: int, seed: int) -> None:
        """Draw ``n`` learners with targets and warm-ups, redrawing those already done."""
        rng = np.random.default_rng(seed)
        size = self.graph.size
        states: list[np.ndarray] = []
        targets: list[np.ndarray] = []
        lasts: list[int] = []
        logs: list[list[tuple[int, int]]] = []
        while len(states) < n:
            ability = [float(v) - 0.1 * i for i, v in enumerate(rng.integers(-3, 1, size=size))]
            target = np.zeros(size, dtype=bool)
            target[rng.choice(size, size=int(rng.integers(min(3, size), size + 1)), replace=False)] = True
            last, log = self._warm_up(ability, rng)
            arr = np.array(ability)
            if (arr[target] >= self._pass_at[target]).all():
                continue
            states.append(arr)
            targets.append(target)
            lasts.append(last)
            logs.append(log)
        self.state = np.stack(states)
        self.targets = np.stack(targets)
        self.last = np.array(lasts)
        self.warmup_log = logs
        self.e_start = self.exam()

    def accepted(self) -> np.ndarray:
        """Accepted moves given the last learned skill (everything before any learning)."""
        acc = np.array(self._accept[np.maximum(self.last, 0)], dtype=bool)
        acc[self.last < 0] = True
        return acc

    def step(self, actions: np.ndarray) -> np.ndarray:
        """Teach one skill per learner and test it."""
        actions = np.asarray(actions, dtype=np.int64)
        self.last = self._learn(self.state, self.last, actions)
        return self._respond(self.state, actions)

    def exam(self) -> np.ndarray:
        """Number of target skills answered correctly."""
        return np.asarray((self.true_mastered() & self.targets).sum(axis=1), dtype=float)

    def true_state(self) -> np.ndarray:
        """Ability rescaled from its whole range [-3.9, 5] to [0, 1]: the privileged view."""
        return np.asarray(np.clip((self.state - FLOOR) / (CAP - FLOOR), 0.0, 1.0))

    def true_mastered(self) -> np.ndarray:
        """(N, S) bool: whether each skill's exam item would be answered correctly."""
        return np.asarray(self.state >= self._pass_at)

    def clone(self) -> RuleSimulator:
        """A copy of the learners' current state sharing the (immutable) graph and item bank."""
        twin = copy.copy(self)
        twin.state, twin.last = self.state.copy(), self.last.copy()
        return twin

    def tile(self, copies: int) -> RuleSimulator:
        """``copies`` replicas of every learner, side by side (the dynamics are deterministic)."""
        twin = copy.copy(self)
        twin.state, twin.last = np.repeat(self.state, copies, axis=0), np.repeat(self.last, copies)
        twin.targets, twin.e_start = np.repeat(self.targets, copies, axis=0), np.repeat(self.e_start, copies)
        twin.warmup_log = [log for log in self.warmup_log for _ in range(copies)]
        return twin


def make_kss(difficulty_seed: int = 10) -> RuleSimulator:
    """The KSS simulator: the published graph and an EduSim-style question bank."""
    graph = kss_graph()
    return RuleSimulator(graph, draw_difficulties(graph.size, KSS_DIFFICULTY_ORDER, difficulty_seed))
