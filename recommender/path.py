"""Learning-path optimizer: the cheapest ordered set of courses that teaches the goal skills.

Problem: choose courses, in an order where each course's prerequisite skills are already held
(from ``current_skills`` or an earlier course), so that every goal skill is held at the end,
minimising total duration.

* Exact (small catalogues): Dijkstra over sets of held skills, restricted to the skills that
  matter (goals and prerequisites), as bitmasks. Taking a course that adds no relevant skill
  never helps (durations are >= 0), so every shortest path uses each course at most once and
  the search is exact.
* Approximation (more than ``EXACT_MAX_SKILLS`` relevant skills or ``EXACT_MAX_COURSES``
  courses): greedy weighted set cover with prerequisite closure - repeatedly buy the course
  whose (duration + cheapest chain of courses unlocking it) per newly covered goal skill is
  lowest - then prune courses whose removal keeps the plan feasible, longest first.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

EXACT_MAX_SKILLS = 18
EXACT_MAX_COURSES = 40
MAX_STATES = 200_000  # guard for the exact search; beyond it we fall back to the approximation


class CourseLike(Protocol):
    """What the optimizer needs from a course."""

    @property
    def id(self) -> str: ...

    @property
    def skills_taught(self) -> Sequence[str]: ...

    @property
    def prerequisites(self) -> Sequence[str]: ...

    @property
    def duration_hours(self) -> float: ...


@dataclass(frozen=True)
class Course:
    """A plain course record satisfying :class:`CourseLike`."""

    id: str
    skills_taught: tuple[str, ...]
    prerequisites: tuple[str, ...] = ()
    duration_hours: float = 1.0


@dataclass(frozen=True)
class PathResult:
    """An ordered plan.

    Attributes:
        course_ids: Courses in a valid study order.
        total_hours: Sum of their durations.
        covered: Goal skills the plan reaches (all of them when ``feasible``).
        exact: Whether the plan is proven optimal (exact search) or approximate.
        feasible: Whether every goal skill is reached.
    """

    course_ids: tuple[str, ...]
    total_hours: float
    covered: frozenset[str]
    exact: bool
    feasible: bool


def optimize_path(user_goals: set[str], current_skills: set[str], available_courses: Iterable[CourseLike],
                  force: str | None = None) -> PathResult:
    """Plan the cheapest course sequence that teaches ``user_goals``.

    Args:
        user_goals: Skills the learner wants.
        current_skills: Skills the learner already holds.
        available_courses: The catalogue.
        force: ``"exact"`` or ``"approx"`` to override the size-based choice (benchmarks).

    Returns:
        The plan; ``feasible`` is False (and the plan covers what it can) if the catalogue
        cannot teach every goal.
    """
    courses = list(available_courses)
    missing = set(user_goals) - set(current_skills)
    if not missing:
        return PathResult((), 0.0, frozenset(user_goals), True, True)
    relevant = sorted(missing | {p for c in courses for p in c.prerequisites} - set(current_skills))
    useful = [c for c in courses if set(c.skills_taught) & set(relevant)]
    small = len(relevant) <= EXACT_MAX_SKILLS and len(useful) <= EXACT_MAX_COURSES
    if force == "exact" or (force is None and small):
        plan = _exact(set(user_goals), missing, set(current_skills), useful, relevant,
                      max_states=None if force == "exact" else MAX_STATES)
        if plan is not None:
            return plan
    return _approximate(set(user_goals), missing, set(current_skills), useful)


def _exact(goals: set[str], missing: set[str], have: set[str], courses: list[CourseLike],
           relevant: list[str], max_states: int | None) -> PathResult | None:
    bit = {s: 1 << i for i, s in enumerate(relevant)}

    def mask(skills: Iterable[str]) -> int:
        return sum(bit[s] for s in set(skills) if s in bit)

    goal = mask(missing)
    gains = [mask(c.skills_taught) for c in courses]
    needs = [mask(p for p in c.prerequisites if p not in have) for c in courses]
    best: dict[int, float] = {0: 0.0}
    parent: dict[int, tuple[int, int]] = {}
    heap: list[tuple[float, int]] = [(0.0, 0)]
    while heap:
        cost, state = heapq.heappop(heap)
        if cost > best.get(state, float("inf")):
            continue
        if state & goal == goal:
            order: list[int] = []
            while state in parent:
                state, idx = parent[state]
                order.append(idx)
            picked = [courses[i] for i in reversed(order)]
            return PathResult(tuple(c.id for c in picked), cost, frozenset(goals), True, True)
        for i, course in enumerate(courses):
            if needs[i] & ~state or gains[i] & ~state == 0:
                continue
            nxt, new_cost = state | gains[i], cost + float(course.duration_hours)
            if new_cost < best.get(nxt, float("inf")):
                best[nxt] = new_cost
                parent[nxt] = (state, i)
                heapq.heappush(heap, (new_cost, nxt))
        if max_states is not None and len(best) > max_states:
            return None
    # Exhaustive search found no plan: report what the approximation can still reach.
    return None


def _order(chosen: list[CourseLike], have: set[str]) -> list[CourseLike] | None:
    """A valid study order of ``chosen`` (None if some course can never be unlocked)."""
    held, left, order = set(have), list(chosen), []
    while left:
        ready = [c for c in left if set(c.prerequisites) <= held]
        if not ready:
            return None
        for c in ready:
            held.update(c.skills_taught)
            order.append(c)
            left.remove(c)
    return order


def _skill_costs(held: set[str], courses: list[CourseLike]) -> tuple[dict[str, float], dict[str, CourseLike]]:
    """Cheapest (over-counting shared prerequisites) cost to acquire each skill, and the course that
    does it: ``cost(s) = min over courses teaching s of duration + sum of cost(missing prereqs)``,
    solved by Bellman-Ford-style relaxation (polynomial, unlike enumerating chains)."""
    cost: dict[str, float] = {s: 0.0 for s in held}
    via: dict[str, CourseLike] = {}
    changed = True
    while changed:
        changed = False
        for course in courses:
            pres = [p for p in course.prerequisites if p not in held]
            if any(p not in cost for p in pres):
                continue
            total = float(course.duration_hours) + sum(cost[p] for p in pres)
            for skill in course.skills_taught:
                if total < cost.get(skill, float("inf")) - 1e-12:
                    cost[skill], via[skill] = total, course
                    changed = True
    return cost, via


def _closure(course: CourseLike, held: set[str], via: dict[str, CourseLike]) -> list[CourseLike]:
    """``course`` preceded by the cheapest known courses for its missing prerequisites."""
    plan: list[CourseLike] = []
    have = set(held)

    def need(skill: str) -> None:
        if skill in have:
            return
        provider = via[skill]
        for pre in provider.prerequisites:
            need(pre)
        if provider not in plan:
            plan.append(provider)
            have.update(provider.skills_taught)

    for pre in course.prerequisites:
        need(pre)
    return [*plan, course] if course not in plan else plan


def _approximate(goals: set[str], missing: set[str], have: set[str], courses: list[CourseLike]) -> PathResult:
    held, chosen, left = set(have), [], set(missing)
    while left:
        best: tuple[float, list[CourseLike]] | None = None
        cost, via = _skill_costs(held, courses)
        for course in courses:
            if course in chosen or not set(course.skills_taught) & left:
                continue
            if any(p not in cost for p in course.prerequisites):
                continue  # cannot be unlocked from here
            chain = _closure(course, held, via)
            new = [c for c in chain if c not in chosen]
            taught = set().union(*(set(c.skills_taught) for c in new)) & left
            ratio = sum(float(c.duration_hours) for c in new) / max(len(taught), 1)
            if taught and (best is None or ratio < best[0]):
                best = (ratio, new)
        if best is None:
            break
        for c in best[1]:
            chosen.append(c)
            held.update(c.skills_taught)
        left -= held
    for course in sorted(chosen, key=lambda c: -float(c.duration_hours)):  # prune redundant courses
        trial = [c for c in chosen if c is not course]
        order = _order(trial, have)
        if order is not None and missing <= have.union(*(set(c.skills_taught) for c in trial)):
            chosen = trial
    order = _order(chosen, have) or chosen
    covered = goals & have.union(*(set(c.skills_taught) for c in order))
    return PathResult(tuple(c.id for c in order), sum(float(c.duration_hours) for c in order),
                      frozenset(covered), False, not left)
