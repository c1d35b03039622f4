"""Our KSS simulator against EduSim's published KSS rules (EduSim/Envs/KSS, tswsxk/EduSim).

The reference below is written from the rules as EduSim states them, one learner at a time in
plain Python (no code shared with the simulator): the 3-parameter IRT response with
discrimination 5 and guessing 0.25, binary at P >= 0.5; the capacity-growth step with its
recursive half-share promotion capped at 5; the no-shortcut move rule; the episode reward.
"""

import math

import numpy as np
import pytest

from recommender.rl.base import TeachingPolicy
from recommender.rl.evaluate import run_episode
from recommender.simulation.graph import KSS_EDGES, kss_graph
from recommender.simulation.kss import make_kss
from recommender.simulation.metrics import learning_gain

SUCC = {n: [b for a, b in KSS_EDGES if a == n] for n in range(10)}
PRED = {n: [a for a, b in KSS_EDGES if b == n] for n in range(10)}


def edusim_irt(ability: float, difficulty: float) -> float:
    return 0.25 + 0.75 / (1 + math.exp(-1.7 * 5 * (ability - difficulty)))


def edusim_allowed(last: int) -> set[int]:
    """influence_control(..., allow_shortcut=False): successors, then 1-hop bfs from each predecessor."""
    moves = set(SUCC[last])
    for pre in PRED[last]:
        moves.add(pre)
        moves.update(PRED[pre])
        moves.update(SUCC[pre])
    if moves:
        moves.add(last)
    return moves or set(range(10))


def edusim_learn(state: list[float], last: int | None, item: int) -> int | None:
    """One LearningModel.step; returns the new last visit."""
    if last is not None and item not in edusim_allowed(last):
        return last
    inc = (5 - state[item]) * 0.5 / math.exp(sum(5 - state[p] for p in PRED[item]))

    def promote(node: int, amount: float) -> None:
        state[node] = min(5.0, state[node] + amount)
        for succ in SUCC[node]:
            promote(succ, amount * 0.5)

    promote(item, inc)
    return item


def test_the_question_bank_of_seed_10_is_edusims():
    # random.seed(10); sorted(randint(0, 5) x 10) = [0,0,1,2,3,3,3,3,4,4], laid along [5,0,1,2,3,4,6,7,8,9]
    assert make_kss().difficulty.tolist() == [0, 1, 2, 3, 3, 0, 3, 3, 4, 4]


def test_responses_follow_the_three_parameter_irt_at_one_half():
    assert edusim_irt(-0.05, 0) == pytest.approx(0.5465, abs=1e-4)
    assert edusim_irt(-0.10, 0) == pytest.approx(0.4746, abs=1e-4)
    sim = make_kss()
    sim.reset(1, seed=0)
    for ability, expected in ((-0.05, 1), (-0.10, 0), (0.0, 1), (-1.0, 0)):
        sim.state = np.full((1, 10), 5.0)
        sim.state[0, 5] = ability  # skill 5 has difficulty 0
        sim.last = np.array([5])
        got = sim._respond(sim.state, np.array([5]))[0]
        assert got == expected == int(edusim_irt(ability, 0) >= 0.5)


def test_learning_steps_match_the_reference_including_wasted_moves():
    sim = make_kss()
    rng = np.random.default_rng(0)
    sim.reset(200, seed=9)
    ref_state = [list(map(float, row)) for row in sim.state]
    ref_last: list[int | None] = [int(x) if x >= 0 else None for x in sim.last]
    wasted = 0
    for _ in range(30):
        actions = rng.integers(10, size=200)
        responses = sim.step(actions)
        for i, item in enumerate(actions.tolist()):
            before = ref_last[i]
            ref_last[i] = edusim_learn(ref_state[i], before, item)
            wasted += before is not None and ref_last[i] == before and item != before
            assert responses[i] == int(edusim_irt(ref_state[i][item], sim.difficulty[item]) >= 0.5)
        assert np.allclose(sim.state, np.array(ref_state), atol=1e-9)
        assert [int(x) for x in sim.last] == [-1 if x is None else x for x in ref_last]
    assert wasted > 100  # random moves are often refused: those steps are spent for nothing


def test_exam_and_reward_are_edusims():
    sim = make_kss()
    sim.reset(300, seed=4)
    exam = [
        sum(int(edusim_irt(sim.state[i, k], sim.difficulty[k]) >= 0.5) for k in np.flatnonzero(sim.targets[i]))
        for i in range(300)
    ]
    assert sim.exam().tolist() == exam
    start, full = sim.e_start.copy(), sim.e_sup()
    assert (start < full).all()  # learners who pass every target after the warm-up are redrawn
    sim.step(np.zeros(300, dtype=int))
    reward = [(sim.exam()[i] - start[i]) / (full[i] - start[i]) for i in range(300)]
    assert np.allclose(learning_gain(start, sim.exam(), full), reward)


class _Draws:
    """The same scripted random draws for the reference and the simulator."""

    def __init__(self, seed: int) -> None:
        gen = np.random.default_rng(seed)
        self.uniform = gen.random(200).tolist()
        self.ints = gen.integers(10, size=200).tolist()

    def random(self) -> float:
        return float(self.uniform.pop(0))

    def integers(self, n: int) -> int:
        return int(self.ints.pop(0)) % n


def edusim_warm_up(ability: list[float], draws: _Draws, order: list[int], diff: list[float]) -> list[tuple[int, int]]:
    """KSSEnv._initial_learner with order_ratio 1 and 20 initial steps."""
    history: list[tuple[int, int]] = []
    last: int | None = None

    def study(item: int) -> None:
        nonlocal last
        last = edusim_learn(ability, last, item)
        history.append((item, int(edusim_irt(ability[item], diff[item]) >= 0.5)))

    while len(history) < 20:
        if history and history[-1][1] == 1 and len({e[0] for e in history[-3:]}) > 1:
            if len(history) < 19:
                study(history[-1][0])
            item = history[-1][0]
        elif history and history[-1][1] == 0 and draws.random() < 0.7:
            item = history[-1][0]
        elif draws.random() < 0.9:
            weak = [k for k in order if edusim_irt(ability[k], diff[k]) < 0.6]
            if not weak:
                break
            item = weak[0]
        else:
            item = draws.integers(10)
        study(item)
    return history


def test_the_warm_up_is_edusims_and_walks_networkx_topological_order():
    nx = pytest.importorskip("networkx")
    graph = nx.DiGraph()
    graph.add_edges_from(KSS_EDGES)
    order = list(nx.topological_sort(graph))
    assert kss_graph().generation_order() == order == [0, 5, 6, 1, 2, 7, 3, 4, 8, 9]
    sim = make_kss()
    gen = np.random.default_rng(1)
    for case in range(300):
        start = [float(v) - 0.1 * i for i, v in enumerate(gen.integers(-3, 1, size=10))]
        ours = list(start)
        got = sim._warm_up(ours, _Draws(case))  # type: ignore[arg-type]
        expected = edusim_warm_up(list(start), _Draws(case), order, sim.difficulty.tolist())
        assert got[1] == expected
        reference = list(start)
        last: int | None = None
        for item, _ in expected:
            last = edusim_learn(reference, last, item)
        assert np.allclose(ours, reference)


class _Always(TeachingPolicy):
    """Teaches one fixed skill, accepted or not."""

    def __init__(self, skill: int) -> None:
        self.skill = skill

    def begin(self, sim, horizon):  # type: ignore[no-untyped-def]
        pass

    def act(self, sim, step):  # type: ignore[no-untyped-def]
        return np.full(len(sim.targets), self.skill)

    def observe(self, actions, responses):  # type: ignore[no-untyped-def]
        pass


def test_an_episode_spends_a_refused_move_instead_of_failing():
    sim = make_kss()
    ep = run_episode(sim, _Always(9), 100, seed=3, horizon=5)
    assert ep.shape == (100,) and (ep >= 0).all()
    assert not sim.accepted()[:, 9].all()  # some learners never accepted 9 from where they were
