"""``POST /api/ai/recommendations/feedback/``: a student's answer about one recommended course or lesson."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from tutor.schemas.common import Identifier, StrictModel, whole

Rating = Annotated[int, Field(ge=1, le=5), BeforeValidator(whole)]
# Course ids and lesson ids both fit (a course id may hold '.', a lesson id may start with '_' or '-').
ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]


class FeedbackIn(StrictModel):
    """What the student did with a recommendation: ``accepted`` or ``dismissed``, optionally rated 1 to 5.

    A lesson is named by ``item_id`` (its lesson id) and ``course_id``; ``course_id`` may be left out
    when the lesson is among the student's recommended next lessons. A course is named by ``item_id``
    alone. A later answer about the same item replaces the earlier one.
    """

    # The rule of _course_id_only_for_lessons, for the JSON schema.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"item_type": {"const": "lesson"}}},
                {"properties": {"item_type": {"const": "course"}}, "not": {"required": ["course_id"]}},
            ]
        }
    )

    item_type: Literal["course", "lesson"]
    item_id: ItemId = Field(description="The course id, or the lesson id.")
    action: Literal["accepted", "dismissed"]
    rating: Rating | None = Field(None, description="How useful the recommendation was, 1 (not at all) to 5.")
    course_id: Identifier | None = Field(None, description="The lesson's course (lessons only).")

    @model_validator(mode="after")
    def _course_id_only_for_lessons(self) -> FeedbackIn:
        if self.item_type == "course" and self.course_id is not None:
            raise ValueError("course_id is only for a lesson; name a course by item_id alone")
        return self
