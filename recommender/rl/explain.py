"""Product-side helpers: career goals -> target skills, the greedy heuristic, and reasons."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from recommender.mastery import MASTERED
from tutor.services.skills import skill_label  # the one readable-name fallback (python.loop_control -> Loop control)

# Careers mentioned by learners, mapped to words that appear in skill names or tags.
CAREER_KEYWORDS: dict[str, tuple[str, ...]] = {
    "data": ("data", "pandas", "analysis", "aggregation", "cleaning", "visualisation", "visualization",
             "dictionaries", "dicts", "lists", "loading"),
    "analyst": ("data", "aggregation", "visualisation", "visualization", "cleaning", "dictionaries", "dicts",
                "functions"),
    "scientist": ("data", "aggregation", "visualisation", "functions", "lists"),
    "web": ("web", "http", "api", "apis", "json", "routing", "auth", "functions", "dictionaries", "dicts"),
    "backend": ("web", "http", "api", "json", "routing", "auth", "exceptions", "functions"),
    "developer": ("functions", "exceptions", "scope", "modules", "web", "http"),
    "automation": ("loops", "functions", "input", "output", "exceptions", "files"),
    "scripting": ("loops", "functions", "input", "output", "conditionals"),
}


@dataclass(frozen=True)
class Candidate:
    """Something we can recommend: a lesson inside a course, or a course in the catalogue."""

    item_id: str
    kind: str  # "lesson" | "course"
    skills: tuple[str, ...]
    prerequisites: tuple[str, ...] = ()
    duration_hours: float = 1.0
    title: str = ""


@dataclass(frozen=True)
class Recommendation:
    """A ranked suggestion with a confidence in [0, 1] and a reason a learner can read."""

    item_id: str
    kind: str
    confidence_score: float
    reason: str
    source: str = "heuristic"  # "policy" or "heuristic"


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if len(w) > 2}


def goals_to_skills(career_goals: str | Iterable[str], skills: Sequence[str],
                    tags: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """Map free-text career goals to skills by keyword match over skill names and tags.

    Args:
        career_goals: Text such as "I want to become a data analyst", or a list of goals.
        skills: Known skill names (e.g. ``"python.loops"``).
        tags: Optional extra words per skill.

    Returns:
        Matching skills in the order given (empty if nothing matches).
    """
    text = career_goals if isinstance(career_goals, str) else " ".join(career_goals)
    words = _words(text)
    expanded = set(words)
    for word in words:
        expanded.update(CAREER_KEYWORDS.get(word, ()))
        expanded.update(CAREER_KEYWORDS.get(word.rstrip("s"), ()))
    out = []
    for skill in skills:
        vocab = _words(skill.replace("_", " ")) | _words(" ".join((tags or {}).get(skill, ())))
        if vocab & expanded:
            out.append(skill)
    return out


def eligible(candidate: Candidate, mastery: Mapping[str, float], threshold: float = MASTERED) -> bool:
    """Whether every prerequisite of a candidate is mastered."""
    return all(mastery.get(p, 0.0) >= threshold for p in candidate.prerequisites)


def heuristic_scores(candidates: Sequence[Candidate], mastery: Mapping[str, float],
                     targets: set[str]) -> list[float]:
    """Greedy value of each candidate: sum over its skills of need x (1 - mastery).

    Need is 1 for a target skill, 0.5 for a prerequisite of some candidate teaching a target,
    0.1 otherwise (so something useful is still suggested when no goal matches).
    """
    feeding = {p for c in candidates if set(c.skills) & targets for p in c.prerequisites}
    scores = []
    for cand in candidates:
        value = 0.0
        for skill in cand.skills:
            need = 1.0 if skill in targets else 0.5 if skill in feeding else 0.1
            value += need * (1.0 - mastery.get(skill, 0.0))
        scores.append(value if eligible(cand, mastery) else 0.0)
    return scores


def explain(candidate: Candidate, mastery: Mapping[str, float], targets: set[str], goal_text: str = "") -> str:
    """A one-sentence reason, e.g. "Builds on Loops, which you have mastered; strengthens ..."."""
    parts = []
    known = [skill_label(p) for p in candidate.prerequisites
             if mastery.get(p, 0.0) >= MASTERED and p not in candidate.skills]
    if known:
        parts.append(f"Builds on {' and '.join(known)}, which you have mastered")
    weak = sorted(candidate.skills, key=lambda s: mastery.get(s, 0.0))
    if weak:
        skill = weak[0]
        verb = "introduces" if skill not in mastery else "strengthens"
        level = f" (mastery {mastery[skill]:.2f})" if skill in mastery else ""
        parts.append(f"{verb} {skill_label(skill)}{level}")
    goal_skills = [s for s in candidate.skills if s in targets]
    if goal_skills and goal_text:
        parts.append(f"needed for your goal '{goal_text}'")
    elif goal_skills:
        parts.append("one of your target skills")
    text = "; ".join(parts) or f"Next step in {candidate.title or candidate.item_id}"
    return text[:1].upper() + text[1:] + "."
