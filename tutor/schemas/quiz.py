"""Quiz policy of a course and the id type of everything quiz data is keyed by."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)

from tutor.schemas.common import StrictModel, whole

SAFE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
SAFE_ID_RULE = "lesson and question ids may contain only letters, digits, '_' and '-' (1 to 64 characters)"
_SAFE_ID = re.compile(SAFE_ID_PATTERN)


def is_safe_id(value: str) -> bool:
    """Whether ``value`` can never be read as a MongoDB field path or operator (no ``.``, no ``$``)."""
    return _SAFE_ID.fullmatch(value) is not None


def _clear_message(value: Any, handler: ValidatorFunctionWrapHandler) -> str:
    """Replace the pattern's generic error with one that says which characters are allowed."""
    try:
        return str(handler(value))
    except ValidationError as exc:
        if isinstance(value, str):
            raise ValueError(SAFE_ID_RULE) from exc
        raise


#: A lesson or question id: progress is stored per lesson id, so it must never be a field path.
SafeId = Annotated[str, StringConstraints(pattern=SAFE_ID_PATTERN), WrapValidator(_clear_message)]

Reveal = Literal["answered", "after_last_attempt", "never"]
AttemptLimit = Annotated[int, Field(ge=1, le=1000), BeforeValidator(whole)]


class QuizPolicy(StrictModel):
    """How often a student may take each quiz of a course, and when its answer key is shown.

    ``reveal``: ``answered`` shows the key and explanation of the questions the student answered
    in that submission; ``after_last_attempt`` shows the whole key only with the result of the
    last allowed attempt; ``never`` shows only whether each answer was right.
    """

    # The rule of _last_attempt_needs_a_limit, for the JSON schema.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["reveal"], "properties": {"reveal": {"const": "after_last_attempt"}}},
            "then": {"required": ["max_attempts"], "properties": {"max_attempts": {"type": "integer"}}},
        }
    )

    max_attempts: AttemptLimit | None = Field(
        None, description="Submissions allowed per quiz and student; null means unlimited."
    )
    reveal: Reveal = Field("answered", description="When graded results include answer keys and explanations.")

    @model_validator(mode="after")
    def _last_attempt_needs_a_limit(self) -> QuizPolicy:
        if self.reveal == "after_last_attempt" and self.max_attempts is None:
            raise ValueError(
                "reveal 'after_last_attempt' needs max_attempts (with unlimited attempts there is no last one)"
            )
        return self


def policy_of(course: dict[str, Any]) -> QuizPolicy:
    """The stored policy of ``course``; the defaults when it has none (courses made before policies)."""
    stored = course.get("quiz_policy")
    return QuizPolicy.model_validate(stored) if isinstance(stored, dict) else QuizPolicy()
