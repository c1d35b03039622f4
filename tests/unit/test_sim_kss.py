"""KSS-style simulator: published graph, accepted moves, prerequisite gating, E_p."""

import numpy as np
import pytest

from recommender.simulation.graph import SkillGraph, kss_graph
from recommender.simulation.kss import RuleSimulator, make_kss
from recommender.simulation.metrics import learning_gain, mean_ci95
from recommender.simulation.sample_course import fixture_graph, graph_from_course_data


def test_kss_graph_has_exactly_the_published_edges():
    expected = {(0, 1), (0, 2), (1, 3), (2, 4), (2, 8), (3, 4), (4, 8), (5, 4), (5, 9), (6, 7), (7, 8), (8, 9)}
    graph = kss_graph()
    assert graph.size == 10
    assert set(graph.edges) == expected and len(graph.edges) == len(expected)


def _fresh(sim: RuleSimulator, state: list[float], last: int) -> None:
    sim.state = np.array([state], dtype=float)
    sim.last = np.array([last])
    sim.targets = np.ones((1, sim.n_skills), dtype=bool)


def test_learner_ignores_a_move_not_accepted_from_the_last_item():
    sim = make_kss()
    _fresh(sim, [5.0] * 10, last=6)
    assert not sim.accepted()[0, 9]  # 6 -> 9 is not an accepted move
    before = sim.state.copy()
    sim.state[0, 9] = 0.0
    before[0, 9] = 0.0
    sim.step(np.array([9]))
    assert np.allclose(sim.state, before) and sim.last[0] == 6


def test_learning_is_gated_by_prerequisites_near_full_ability():
    sim = make_kss()
    weak_pre = [0.0] * 10
    _fresh(sim, weak_pre, last=0)
    sim.step(np.array([1]))  # 0 -> 1 accepted, but prerequisite 0 is far from 5
    gain_weak = sim.state[0, 1] - weak_pre[1]
    strong_pre = [5.0] + [0.0] * 9
    _fresh(sim, strong_pre, last=0)
    sim.step(np.array([1]))
    gain_strong = sim.state[0, 1]
    assert gain_weak < 0.05 < 2.0 < gain_strong


def test_responses_are_deterministic_thresholds_of_ability():
    sim = make_kss()
    _fresh(sim, [5.0] * 10, last=0)
    assert sim.step(np.array([0]))[0] == 1
    _fresh(sim, [-3.0] * 10, last=9)
    assert sim.step(np.array([9]))[0] == 0


def test_reset_is_reproducible_and_skips_learners_already_done():
    sim = make_kss()
    sim.reset(50, seed=3)
    first = (sim.state.copy(), sim.targets.copy(), [list(x) for x in sim.warmup_log])
    sim.reset(50, seed=3)
    assert np.array_equal(first[0], sim.state) and np.array_equal(first[1], sim.targets)
    assert first[2] == sim.warmup_log
    assert (sim.e_start < sim.e_sup()).all()
    assert all(len(log) <= 20 for log in sim.warmup_log)


def test_learning_gain_formula():
    ep = learning_gain(np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 3.0]), np.array([5.0, 4.0, 3.0]))
    assert ep.tolist() == [0.5, 0.0, 0.0]
    mean, lo, hi = mean_ci95(np.array([0.0, 1.0] * 50))
    assert mean == 0.5 and lo < 0.5 < hi


def test_graph_rejects_cycles_and_sample_course_data_builds_a_graph():
    with pytest.raises(ValueError):
        SkillGraph(nodes=("a", "b"), edges=((0, 1), (1, 0)))
    assert fixture_graph().size >= 10
    data = {
        "lessons": [
            {"id": "l1", "skills": ["python.variables"]},
            {"id": "l2", "skills": ["python.loops"], "prerequisites": ["python.variables"]},
        ]
    }
    graph = graph_from_course_data(data)
    assert graph.predecessors(graph.index("python.loops")) == [graph.index("python.variables")]


def test_catalogue_lessons_that_revisit_a_skill_add_no_cycle():
    from recommender.simulation.sample_course import graph_from_catalog

    lesson = lambda i, skills, pre: {"id": i, "skills": skills, "prerequisites": pre}  # noqa: E731
    data = {
        "courses": [
            {
                "id": "python-intro",
                "modules": [
                    {
                        "lessons": [
                            lesson("l-cond", ["python.conditionals"], []),
                            lesson("l-loops", ["python.loops"], ["l-cond"]),
                            lesson("l-loop-control", ["python.loops", "python.conditionals"], ["l-loops"]),
                        ]
                    }
                ],
            }
        ]
    }
    graph = graph_from_catalog(data)
    assert [(graph.nodes[a], graph.nodes[b]) for a, b in graph.edges] == [("python.conditionals", "python.loops")]
    assert graph.items["l-loop-control"] == ("python.loops", "python.conditionals")
