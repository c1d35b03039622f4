"""Learning-path optimizer: exact on small catalogues, valid orders, graceful when infeasible."""

import random

from bench.path import brute_force, random_catalogue, valid
from recommender.path import Course, optimize_path


def test_optimizer_equals_brute_force_on_small_random_catalogues():
    rng = random.Random(1234)
    for _ in range(60):
        goals, have, courses = random_catalogue(rng, rng.randint(3, 8), rng.randint(4, 7))
        result = optimize_path(goals, have, courses)
        best = brute_force(goals, have, courses)
        if best is None:
            assert not result.feasible
        else:
            assert result.feasible and result.exact
            assert abs(result.total_hours - best) < 1e-9
        assert valid(result, goals, have, courses)


def test_plan_respects_prerequisites_and_prefers_the_cheaper_route():
    courses = [
        Course("intro", ("python.variables",), (), 2.0),
        Course("loops", ("python.loops",), ("python.variables",), 3.0),
        Course("bootcamp", ("python.variables", "python.loops", "python.functions"), (), 20.0),
        Course("funcs", ("python.functions",), ("python.loops",), 4.0),
    ]
    result = optimize_path({"python.functions"}, set(), courses)
    assert result.course_ids == ("intro", "loops", "funcs")
    assert result.total_hours == 9.0 and result.exact and result.covered == {"python.functions"}


def test_known_skills_are_not_retaught_and_unreachable_goals_are_reported():
    courses = [Course("loops", ("python.loops",), ("python.variables",), 3.0)]
    assert optimize_path({"python.loops"}, {"python.variables"}, courses).course_ids == ("loops",)
    assert optimize_path({"python.loops"}, {"python.loops"}, courses).course_ids == ()
    missing = optimize_path({"python.classes"}, set(), courses)
    assert not missing.feasible and missing.course_ids == ()


def test_approximation_on_a_large_catalogue_is_valid():
    rng = random.Random(7)
    goals, have, courses = random_catalogue(rng, 300, 120)
    goals = set(sorted({s for c in courses for s in c.skills_taught})[:5])
    result = optimize_path(goals, have, courses)
    assert not result.exact
    assert valid(result, goals, have, courses)
    if result.feasible:
        assert goals <= result.covered | have
    approx = optimize_path(goals, have, courses, force="approx")
    assert approx.total_hours >= 0
