"""Learning-path optimizer bench: exactness against brute force, and speed.

Usage: ``python -m bench.path [--cases 200] [--seed 0] --json``
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import time

from recommender.path import Course, PathResult, optimize_path


def brute_force(goals: set[str], have: set[str], courses: list[Course]) -> float | None:
    """Minimum total hours over every subset of courses that can be ordered and covers the goals."""
    missing = goals - have
    best: float | None = None
    for r in range(len(courses) + 1):
        for subset in itertools.combinations(courses, r):
            held, left = set(have), list(subset)
            progress = True
            while left and progress:
                ready = [c for c in left if set(c.prerequisites) <= held]
                progress = bool(ready)
                for c in ready:
                    held.update(c.skills_taught)
                    left.remove(c)
            if left or not missing <= held:
                continue
            cost = sum(c.duration_hours for c in subset)
            if best is None or cost < best:
                best = cost
    return best


def random_catalogue(rng: random.Random, n_courses: int, n_skills: int) -> tuple[set[str], set[str], list[Course]]:
    """Courses teach 1-3 skills and require 0-2 lower-numbered skills (so plans can exist)."""
    skills = [f"s{i}" for i in range(n_skills)]
    courses = []
    for j in range(n_courses):
        taught = rng.sample(skills, rng.randint(1, min(3, n_skills)))
        top = max(skills.index(s) for s in taught)
        pre = rng.sample(skills[:top], rng.randint(0, min(2, top))) if top else []
        courses.append(Course(f"c{j}", tuple(taught), tuple(pre), float(rng.randint(1, 20))))
    goals = set(rng.sample(skills, rng.randint(1, min(4, n_skills))))
    have = set(rng.sample(skills, rng.randint(0, 2))) - goals
    return goals, have, courses


def valid(result: PathResult, goals: set[str], have: set[str], courses: list[Course]) -> bool:
    """The plan's order respects prerequisites and reaches every goal when feasible."""
    by_id = {c.id: c for c in courses}
    held = set(have)
    for cid in result.course_ids:
        if not set(by_id[cid].prerequisites) <= held:
            return False
        held.update(by_id[cid].skills_taught)
    return not result.feasible or goals <= held


def main() -> None:
    """Run the bench; the last printed line is one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    matches = valid_orders = feasible = 0
    for _ in range(args.cases):
        goals, have, courses = random_catalogue(rng, rng.randint(3, 10), rng.randint(4, 8))
        result = optimize_path(goals, have, courses)
        reference = brute_force(goals, have, courses)
        got = result.total_hours if result.feasible else None
        matches += got == reference or (got is not None and reference is not None and abs(got - reference) < 1e-9)
        valid_orders += valid(result, goals, have, courses)
        feasible += reference is not None
    timing: dict[str, dict[str, float | bool]] = {}
    for n_courses, n_skills in ((50, 30), (500, 200)):
        runs: dict[str, list[float]] = {"auto": [], "exact": [], "approx": []}
        ratios, exact_flags = [], []
        for _ in range(5):
            goals, have, courses = random_catalogue(rng, n_courses, n_skills)
            goals = set(rng.sample(sorted({s for c in courses for s in c.skills_taught}), 6))
            results = {}
            for mode in ("auto", "exact", "approx"):
                if mode == "exact" and n_courses > 50:
                    continue  # 2^|relevant skills| states: only the small catalogue is searched exactly
                start = time.perf_counter()
                results[mode] = optimize_path(goals, have, courses, force=None if mode == "auto" else mode)
                runs[mode].append((time.perf_counter() - start) * 1000)
            exact_flags.append(results["auto"].exact)
            if "exact" in results and results["exact"].exact and results["exact"].total_hours > 0:
                ratios.append(results["approx"].total_hours / results["exact"].total_hours)
        entry: dict[str, float | bool] = {"median_ms": round(statistics.median(runs["auto"]), 2),
                                          "auto_exact_share": sum(exact_flags) / len(exact_flags),
                                          "approx_median_ms": round(statistics.median(runs["approx"]), 2)}
        if runs["exact"]:
            entry["exact_median_ms"] = round(statistics.median(runs["exact"]), 2)
        if ratios:
            entry["approx_over_exact_hours"] = round(statistics.mean(ratios), 3)
        timing[f"courses_{n_courses}"] = entry
    out = {"exact_matches": matches, "cases": args.cases, "feasible_cases": feasible,
           "valid_orders": valid_orders, "timing_ms": timing}
    print(json.dumps(out), file=sys.stdout)


if __name__ == "__main__":
    main()
