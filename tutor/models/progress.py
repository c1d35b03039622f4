"""Enrollment and progress request shapes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StrictInt, StringConstraints, model_validator

from tutor.models.common import Identifier, StrictModel
from tutor.models.quiz import SafeId

AnswerValue = StrictInt | Annotated[str, StringConstraints(max_length=1000)]


class EnrollIn(StrictModel):
    """``POST /api/courses/enroll/`` body."""

    course_id: Identifier


class ProgressUpdateIn(StrictModel):
    """``POST /api/progress/update/``: complete a lesson, or submit its quiz (or both)."""

    course_id: Identifier
    lesson_id: SafeId
    completed: StrictBool | None = None
    time_spent: int | None = Field(None, ge=0, le=24 * 3600, description="Seconds spent on the lesson.")
    quiz_answers: dict[SafeId, AnswerValue] | None = Field(
        None, max_length=100, description="{question_id: choice index or choice text}; unanswered questions left out."
    )

    @model_validator(mode="after")
    def _something_to_do(self) -> ProgressUpdateIn:
        if not self.completed and self.quiz_answers is None and not self.time_spent:
            raise ValueError("send completed=true, time_spent, or quiz_answers")
        if self.quiz_answers is not None and not self.quiz_answers:
            raise ValueError("quiz_answers must not be empty")
        return self
