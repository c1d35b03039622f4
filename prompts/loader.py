"""Load the prompt templates shipped in this package, with a version string for each assistant turn.

Each template file starts with a ``version: N`` header and a ``---`` line. The version recorded on a
message combines the explicit numbers with a short content hash, so any edit to any template
changes it even if someone forgets to bump a number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

PROMPT_DIR = Path(__file__).parent
NAMES = ("system", "grounding", "answer", "socratic")

Mode = Literal["answer", "socratic"]


@dataclass(frozen=True, slots=True)
class PromptSet:
    """The loaded templates.

    Attributes:
        templates: Template bodies by name (``system``, ``grounding``, ``answer``, ``socratic``).
        version: Version string such as ``p1.1.1.1-3fa2c9d1``.
    """

    templates: dict[str, str]
    version: str

    def system_prompt(self, mode: Mode, student_name: str, course_title: str | None) -> str:
        """The full system message for one turn."""
        course_line = (
            f"The student is studying the course '{course_title}'."
            if course_title
            else "The student has not picked a course for this conversation."
        )
        system = self.templates["system"].format(student_name=student_name or "the student",
                                                 course_line=course_line)
        return "\n\n".join([system, self.templates["grounding"], self.templates[mode]])


def _split_header(text: str, name: str) -> tuple[str, str]:
    header, sep, body = text.partition("\n---\n")
    if not sep or not header.startswith("version:"):
        raise ValueError(f"prompt template {name!r} lacks a 'version: N' header and '---' line")
    return header.split(":", 1)[1].strip(), body.strip()


@lru_cache(maxsize=1)
def load_prompts(directory: str | None = None) -> PromptSet:
    """Read all templates (cached).

    Args:
        directory: Folder holding ``<name>.md`` files; defaults to this package.

    Returns:
        The templates and their combined version string.
    """
    folder = Path(directory) if directory else PROMPT_DIR
    digest = hashlib.sha256()
    numbers, templates = [], {}
    for name in NAMES:
        raw = (folder / f"{name}.md").read_text(encoding="utf-8")
        number, body = _split_header(raw, name)
        numbers.append(number)
        templates[name] = body
        digest.update(raw.encode("utf-8"))
    return PromptSet(templates=templates, version=f"p{'.'.join(numbers)}-{digest.hexdigest()[:8]}")
