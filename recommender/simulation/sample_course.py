"""The tutor's sample course as a skill graph, for the sample-course simulator.

The graph is read from the catalogue data file (``tutor/sample_course/catalog.json``: courses ->
modules -> lessons with ``skills`` and lesson ``prerequisites``) when it exists; otherwise a
fixture mirroring the ``python-intro`` lessons is used.

A skill's prerequisites are the skills of the prerequisite lessons of the lesson that first
teaches it; later lessons that revisit a skill (e.g. "loop control" revisiting conditionals)
add no edges, which would otherwise create cycles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from recommender.simulation.graph import SkillGraph, graph_from_names
from recommender.simulation.kss import RuleSimulator, draw_difficulties

SAMPLE_COURSE_DIR = Path(__file__).resolve().parents[2] / "tutor" / "sample_course"
DEFAULT_COURSE = "python-intro"

FIXTURE_SKILLS: tuple[str, ...] = (
    "python.variables", "python.numbers_strings", "python.input_output", "python.conditionals",
    "python.loops", "python.loop_control", "python.lists", "python.tuples_sets",
    "python.dictionaries", "python.functions", "python.scope_modules", "python.exceptions",
)
FIXTURE_PREREQUISITES: tuple[tuple[str, str], ...] = (
    ("python.variables", "python.numbers_strings"), ("python.variables", "python.input_output"),
    ("python.numbers_strings", "python.conditionals"), ("python.input_output", "python.conditionals"),
    ("python.conditionals", "python.loops"), ("python.loops", "python.loop_control"),
    ("python.loops", "python.lists"), ("python.lists", "python.tuples_sets"),
    ("python.lists", "python.dictionaries"), ("python.loops", "python.functions"),
    ("python.functions", "python.scope_modules"), ("python.functions", "python.exceptions"),
    ("python.dictionaries", "python.exceptions"),
)


def fixture_graph() -> SkillGraph:
    """The built-in intro-to-Python skill graph (12 skills)."""
    return graph_from_names(FIXTURE_SKILLS, FIXTURE_PREREQUISITES)


def graph_from_course_data(data: dict[str, Any]) -> SkillGraph:
    """Build a graph from course data: units (``lessons``/``items``/``courses``) with
    ``skills`` taught and ``prerequisites`` (skills); every prerequisite precedes every skill taught.
    """
    units: list[dict[str, Any]] = []
    for key in ("lessons", "items", "courses", "modules"):
        units.extend(u for u in data.get(key, []) if isinstance(u, dict))
    names: list[str] = []
    pairs: set[tuple[str, str]] = set()
    items: dict[str, tuple[str, ...]] = {}
    for unit in units:
        taught = [str(s) for s in unit.get("skills", unit.get("skills_taught", []))]
        for skill in taught + [str(p) for p in unit.get("prerequisites", [])]:
            if skill not in names:
                names.append(skill)
        pairs.update((str(p), s) for p in unit.get("prerequisites", []) for s in taught if str(p) != s)
        items[str(unit.get("id", unit.get("slug", len(items))))] = tuple(taught)
    if len(names) < 2:
        raise ValueError("course data has no skills")
    graph = graph_from_names(names, sorted(pairs))
    return SkillGraph(graph.nodes, graph.edges, items)


def graph_from_catalog(data: dict[str, Any], course_id: str = DEFAULT_COURSE) -> SkillGraph:
    """Skill graph of one course of a catalogue (courses -> modules -> lessons)."""
    course = next(c for c in data["courses"] if c["id"] == course_id)
    lessons = [lesson for module in course["modules"] for lesson in module["lessons"]]
    by_id = {lesson["id"]: lesson for lesson in lessons}
    names: list[str] = []
    pairs: set[tuple[str, str]] = set()
    items: dict[str, tuple[str, ...]] = {}
    for lesson in lessons:  # catalogue order lists a lesson after its prerequisites
        taught = [str(s) for s in lesson["skills"]]
        items[str(lesson["id"])] = tuple(taught)
        fresh = [s for s in taught if s not in names]
        names.extend(fresh)
        for pre_id in lesson.get("prerequisites", []):
            pairs.update((str(p), s) for p in by_id[pre_id]["skills"] for s in fresh if str(p) != s)
    graph = graph_from_names(names, sorted(pairs))
    return SkillGraph(graph.nodes, graph.edges, items)


def sample_course_graph(course_dir: Path = SAMPLE_COURSE_DIR) -> tuple[SkillGraph, str]:
    """The sample course's graph and where it came from (the data file's name, or "fixture")."""
    catalog = course_dir / "catalog.json"
    if catalog.exists():
        try:
            return graph_from_catalog(json.loads(catalog.read_text())), f"catalog.json:{DEFAULT_COURSE}"
        except (ValueError, KeyError, TypeError, StopIteration):
            pass  # malformed or cyclic data: the fixture still gives a usable simulator
    for name in ("course.json", "skills.json"):
        path = course_dir / name
        if path.exists():
            try:
                return graph_from_course_data(json.loads(path.read_text())), str(path.name)
            except (ValueError, KeyError, TypeError):
                continue
    return fixture_graph(), "fixture"


def make_sample_course(difficulty_seed: int = 10) -> RuleSimulator:
    """Rule simulator (KSS dynamics) on the sample course's skill graph."""
    graph, _ = sample_course_graph()
    return RuleSimulator(graph, draw_difficulties(graph.size, graph.topological_order(), difficulty_seed))
