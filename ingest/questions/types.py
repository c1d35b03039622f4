"""What every question generator produces, and the interface the drafting job calls.

A generator turns passages (indexed :class:`~retrieval.types.Chunk` objects) into
:class:`Candidate` questions. Nothing here decides what is shown to an instructor: every candidate
passes :mod:`ingest.questions.gate` first, and only the ones it keeps become drafts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from retrieval.types import Chunk

#: Kinds of question a generator may produce (``llm`` for the LLM generator's own).
KINDS = ("cloze", "true_statement", "code_value", "code_line", "llm")


@dataclass(frozen=True)
class Candidate:
    """One generated multiple-choice question, before the quality gate.

    Attributes:
        prompt: The question as the student reads it (Markdown; code in fenced blocks).
        choices: 3 to 5 distinct choices.
        answer: Index of the correct choice.
        explanation: Why the answer is right, in words taken from or pointing at the passage.
        kind: One of :data:`KINDS`.
        chunk: The passage the question was generated from (its citation and ``source_text``).
        support: The exact sentence(s) of the passage that make the answer right (for the gate and
            the reviewer); empty when the answer was computed (``code_value``).
        skills: Skill ids the generator could tell (usually empty: the job tags drafts with concepts).
    """

    prompt: str
    choices: tuple[str, ...]
    answer: int
    explanation: str
    kind: str
    chunk: Chunk
    support: str = ""
    skills: tuple[str, ...] = field(default_factory=tuple)


class QuestionGenerator(Protocol):
    """Makes candidates from passages; ``name`` is recorded on every draft (``local-v1``, a model name)."""

    name: str

    def generate(self, passages: Sequence[Chunk], course: Sequence[Chunk], want: int) -> list[Candidate]:
        """Up to about ``want`` candidates from ``passages``, spread over them.

        Args:
            passages: The selected material (a lesson's or some documents' chunks, or the whole course).
            course: Every chunk of the course: where distractors of the same kind come from.
            want: How many candidates to aim for (the gate will drop some, so generators may exceed it).
        """
        ...
