"""Enrollment and progress request shapes."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, model_validator

from tutor.schemas.common import Identifier, StrictModel, whole
from tutor.schemas.quiz import SafeId

AnswerValue = Annotated[StrictInt, BeforeValidator(whole)] | Annotated[str, StringConstraints(max_length=1000)]
Seconds = Annotated[int, Field(ge=0, le=24 * 3600), BeforeValidator(whole)]


class EnrollIn(StrictModel):
    """``POST /api/courses/enroll/`` body."""

    course_id: Identifier


class ProgressUpdateIn(StrictModel):
    """``POST /api/progress/update/``: complete a lesson, or submit its quiz (or both)."""

    # The rule of _something_to_do, for the JSON schema.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["completed"], "properties": {"completed": {"const": True}}},
                {"required": ["time_spent"], "properties": {"time_spent": {"type": "integer", "minimum": 1}}},
                {"required": ["quiz_answers"], "properties": {"quiz_answers": {"type": "object"}}},
            ]
        }
    )

    course_id: Identifier
    lesson_id: SafeId
    completed: StrictBool | None = None
    time_spent: Seconds | None = Field(None, description="Seconds spent on the lesson.")
    quiz_answers: dict[SafeId, AnswerValue] | None = Field(
        None,
        max_length=100,
        description="{question_id: choice index or choice text}; unanswered questions left out.",
        json_schema_extra={"minProperties": 1},
    )

    @model_validator(mode="after")
    def _something_to_do(self) -> ProgressUpdateIn:
        if not self.completed and self.quiz_answers is None and not self.time_spent:
            raise ValueError("send completed=true, time_spent, or quiz_answers")
        if self.quiz_answers is not None and not self.quiz_answers:
            raise ValueError("quiz_answers must not be empty")
        return self
