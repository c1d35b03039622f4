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

COURSE_OPEN = "The student is studying the course"  # the system message's course line starts so
NO_COURSE = "The student has not picked a course for this conversation."


@dataclass(frozen=True, slots=True)
class PromptSet:
    """The loaded templates.

    Attributes:
        templates: Template bodies by name (``system``, ``grounding``, ``answer``, ``socratic``).
        version: Version string such as ``p1.1.1.1-3fa2c9d1``.
    """

    templates: dict[str, str]
    version: str

    def system_prompt(
        self,
        mode: Mode,
        student_name: str,
        course_title: str | None,
        learner_summary: str | None = None,
        waiting: str | None = None,
    ) -> str:
        """The full system message for one turn.

        Args:
            mode: ``answer`` or ``socratic``.
            student_name: How to address the student.
            course_title: Title of the course the chat is about, if any.
            learner_summary: One compact paragraph on the student (weakest skills, current and next
                lesson), written by the server from its own records.
            waiting: What the tutor's previous turn left waiting on this message, as a
                ``Pending: ...`` line (a practice question to grade, an enrollment to confirm).
        """
        course_line = f"{COURSE_OPEN} '{course_title}'." if course_title else NO_COURSE
        system = self.templates["system"].format(student_name=student_name or "the student",
                                                 course_line=course_line)
        parts = [system, self.templates["grounding"], self.templates[mode]]
        if learner_summary:
            parts.append(f"Learner summary (from the server's records; use it to personalise guidance):\n"
                         f"{learner_summary}")
        if waiting:
            parts.append(waiting)
        return "\n\n".join(parts)


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
