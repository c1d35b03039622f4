"""An in-memory :class:`agents.deps.PracticePort` for tool tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHOICES = ["if", "for", "def"]
QUESTION: dict[str, Any] = {
    "course_id": "c-python",
    "course_title": "Intro to Python",
    "lesson_id": "l-loops",
    "lesson_title": "Loops",
    "question_id": "q-loops-1",
    "prompt": "Which keyword repeats a block for each item?",
    "choices": CHOICES,
    "skills": ["python.loops"],
    "skill": "python.loops",
    "skill_label": "Loops",
    "weak": True,
    "topic": None,
    "topic_matched": False,
}
KEY = 1
EXPLANATION = "A for loop runs its body once per item."


@dataclass
class MemoryPractice:
    """One question bank of one question; grades "b"/"2"/"for" as right, "idk" as no answer."""

    asked: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    checked: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)

    async def next_question(self, user_id: str, course_id: str | None, topic: str | None) -> dict[str, Any]:
        self.asked.append((user_id, course_id, topic))
        return {**QUESTION, "topic": topic, "topic_matched": topic is not None}

    async def check(self, user_id: str, pending: dict[str, Any], answer: str) -> dict[str, Any]:
        self.checked.append((user_id, pending, answer))
        where = {
            k: QUESTION[k] for k in ("course_id", "course_title", "lesson_id", "lesson_title", "prompt", "choices")
        }
        given = {"a": 0, "b": 1, "c": 2, "1": 0, "2": 1, "3": 2, "if": 0, "for": 1, "def": 2}.get(answer.lower())
        if given is None:
            return {**where, "question_id": pending["question_id"], "status": "not_an_answer", "correct": None}
        return {
            **where,
            "question_id": pending["question_id"],
            "status": "correct" if given == KEY else "incorrect",
            "correct": given == KEY,
            "given": given,
            "given_letter": "ABC"[given],
            "given_text": CHOICES[given],
            "answer": KEY,
            "answer_letter": "B",
            "answer_text": "for",
            "explanation": EXPLANATION,
        }
