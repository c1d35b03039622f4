"""Readable skill names: the name a course author gave a skill, else one derived from its id.

This is the one place that turns a skill id (``python.loop_control``) into words a student reads
(``Loop control``); the API responses, the agent's tools and the recommender's reasons all use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Words that read better in capitals (or spelled another way) than as a capitalised id fragment.
_SPECIAL_WORDS = {
    "ai": "AI",
    "api": "API",
    "apis": "APIs",
    "css": "CSS",
    "csv": "CSV",
    "html": "HTML",
    "http": "HTTP",
    "https": "HTTPS",
    "io": "I/O",
    "json": "JSON",
    "ml": "ML",
    "oop": "OOP",
    "sql": "SQL",
    "url": "URL",
    "urls": "URLs",
}


def skill_label(skill_id: str, names: Mapping[str, str] | None = None) -> str:
    """The display name of a skill.

    Args:
        skill_id: A skill id such as ``python.strings``.
        names: Names course authors gave skills (``{skill_id: display name}``); one found here wins.

    Returns:
        The author's name, else the last dotted part of the id in sentence case with ``_``/``-`` as
        spaces: ``python.strings`` -> ``Strings``, ``python.loop_control`` -> ``Loop control``,
        ``data.group-by`` -> ``Group by``, ``web.http`` -> ``HTTP``.
    """
    named = (names or {}).get(skill_id)
    if isinstance(named, str) and named.strip():
        return named.strip()
    words = skill_id.rsplit(".", 1)[-1].replace("_", " ").replace("-", " ").split()
    if not words:
        return skill_id
    words = [_SPECIAL_WORDS.get(word.lower(), word) for word in words]
    first = words[0]
    words[0] = first if first in _SPECIAL_WORDS.values() else first[:1].upper() + first[1:]
    return " ".join(words)


def course_skill_names(courses: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Display names of every skill the given course documents teach, test or require.

    Args:
        courses: Course documents (stored shape: ``skills``, ``prerequisite_skills``, ``skill_names``,
            ``modules[].lessons[].skills``).

    Returns:
        ``{skill_id: display name}``: an author's name wins over a derived one, and when two courses
        both name a skill, the first course's name wins.
    """
    out: dict[str, str] = {}
    for course in courses:
        names = course.get("skill_names") or {}
        for skill in _skills_of(course):
            if skill not in out or (skill in names and out[skill] == skill_label(skill)):
                out[skill] = skill_label(skill, names)
    return out


def _skills_of(course: Mapping[str, Any]) -> list[str]:
    lessons = [lesson for module in course.get("modules", []) for lesson in module.get("lessons", [])]
    every = [
        *course.get("skills", []),
        *course.get("prerequisite_skills", []),
        *(s for lesson in lessons for s in lesson.get("skills", [])),
        *(course.get("skill_names") or {}),
    ]
    return list(dict.fromkeys(str(s) for s in every))
