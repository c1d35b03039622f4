"""Inputs of question generation and review: the request, an instructor's edit, approval, concepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints

from tutor.schemas.common import NOT_BLANK, Identifier, StrictModel, whole
from tutor.schemas.courses import Choice, ChoiceIndex, Skill, SkillName
from tutor.schemas.quiz import SafeId

DraftStatus = Literal["draft", "approved", "rejected"]
MIN_CHOICES, MAX_DRAFT_CHOICES = 3, 5
Prompt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000, pattern=NOT_BLANK)]
DraftChoice = Annotated[Choice, StringConstraints(strip_whitespace=True, pattern=NOT_BLANK)]
Explanation = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


def check_choices(choices: list[str], answer: int) -> None:
    """The rules every draft keeps, whoever wrote it: 3 to 5 distinct choices and an answer among them."""
    if not MIN_CHOICES <= len(choices) <= MAX_DRAFT_CHOICES:
        raise ValueError(f"a draft has {MIN_CHOICES} to {MAX_DRAFT_CHOICES} choices")
    folded = [" ".join(choice.split()).casefold() for choice in choices]
    if len(set(folded)) != len(folded):
        raise ValueError("choices must be distinct")
    if not 0 <= answer < len(choices):
        raise ValueError("answer must be the index of one of the choices")


class DraftRequest(StrictModel):
    """``POST /api/courses/{id}/question-drafts/``: how many drafts, from which material."""

    count: Annotated[int, Field(ge=1, le=50), BeforeValidator(whole)]
    lesson_id: SafeId | None = Field(None, description="Only material attached to this lesson.")
    document_ids: list[Identifier] | None = Field(None, min_length=1, max_length=100, description="Only these files.")
    skills: list[Skill] | None = Field(None, min_length=1, max_length=20, description="Only passages teaching these.")


class DraftEdit(StrictModel):
    """``PATCH .../question-drafts/{id}/``: any field (none: the draft is answered unchanged); the result is
    checked as a whole."""

    prompt: Prompt | None = None
    choices: list[DraftChoice] | None = Field(None, min_length=MIN_CHOICES, max_length=MAX_DRAFT_CHOICES)
    answer: ChoiceIndex | None = None
    explanation: Explanation | None = None
    skills: list[Skill] | None = Field(None, max_length=10)
    lesson_id: SafeId | None = None



class ApproveIn(StrictModel):
    """``POST .../question-drafts/{id}/approve/``: the lesson whose quiz gets the question."""

    lesson_id: SafeId


class ConceptIn(StrictModel):
    """One accepted concept: its skill id and display name."""

    id: Skill
    name: SkillName


class ConceptsIn(StrictModel):
    """``PUT /api/courses/{id}/concepts/``: the concepts the instructor accepts as the course's skill tags
    (each id once)."""

    concepts: list[ConceptIn] = Field(max_length=200)

