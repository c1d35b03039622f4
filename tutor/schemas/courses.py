"""Course, module, lesson and quiz shapes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from tutor.schemas.common import NOT_BLANK, Identifier, LongText, ShortText, StrictModel, whole
from tutor.schemas.quiz import QuizPolicy, SafeId
from tutor.schemas.tutor_policy import TutorPolicy

Difficulty = Literal["beginner", "intermediate", "advanced"]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=NOT_BLANK)]
Skill = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Url = Annotated[str, StringConstraints(max_length=1000)]
Choice = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
SkillName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80, pattern=NOT_BLANK)]
Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80, pattern=NOT_BLANK)]
MAX_CHOICES = 10
Minutes = Annotated[int, Field(ge=0, le=10_000), BeforeValidator(whole)]
ChoiceIndex = Annotated[int, Field(ge=0), BeforeValidator(whole)]


def _answer_is_a_choice(schema: dict[str, Any]) -> None:
    """JSON schema of the rule ``answer < len(choices)``: one alternative per number of choices."""
    schema["anyOf"] = [
        {"properties": {"choices": {"minItems": n, "maxItems": n}, "answer": {"maximum": n - 1}}}
        for n in range(2, MAX_CHOICES + 1)
    ]


class QuizQuestionIn(StrictModel):
    """A multiple-choice question; ``answer`` is the index of the correct choice."""

    model_config = ConfigDict(json_schema_extra=_answer_is_a_choice)

    id: SafeId | None = None
    prompt: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    choices: list[Choice] = Field(min_length=2, max_length=MAX_CHOICES)
    skills: list[Skill] = Field(default_factory=list, max_length=10)
    answer: ChoiceIndex
    explanation: Annotated[str, StringConstraints(max_length=4000)] = ""

    @model_validator(mode="after")
    def _answer_in_range(self) -> QuizQuestionIn:
        if self.answer >= len(self.choices):
            raise ValueError("answer must be the index of one of the choices")
        return self


class QuizIn(StrictModel):
    """A lesson's quiz."""

    questions: list[QuizQuestionIn] = Field(min_length=1, max_length=100)


class LessonIn(StrictModel):
    """A lesson; ``content`` is Markdown."""

    id: SafeId | None = None
    title: ShortText
    content: LongText = ""
    duration_minutes: Minutes = 10
    skills: list[Skill] = Field(default_factory=list, max_length=20)
    prerequisites: list[Identifier] = Field(default_factory=list, max_length=50)
    quiz: QuizIn | None = None


class LessonUpdate(StrictModel):
    """Partial lesson update."""

    title: ShortText | None = None
    content: LongText | None = None
    duration_minutes: Minutes | None = None
    skills: list[Skill] | None = Field(None, max_length=20)
    prerequisites: list[Identifier] | None = Field(None, max_length=50)


class ModuleIn(StrictModel):
    """A module of lessons."""

    id: Identifier | None = None
    title: ShortText
    summary: Annotated[str, StringConstraints(max_length=4000)] = ""
    lessons: list[LessonIn] = Field(default_factory=list, max_length=200)


class ModuleUpdate(StrictModel):
    """Partial module update."""

    title: ShortText | None = None
    summary: Annotated[str, StringConstraints(max_length=4000)] | None = None


class CourseFields(StrictModel):
    """Fields an instructor may set on a course."""

    title: ShortText | None = None
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    category: Category | None = None
    difficulty_level: Difficulty | None = None
    duration_hours: float | None = Field(None, ge=0, le=10_000)
    price: float | None = Field(None, ge=0, le=1_000_000)
    thumbnail: Url | None = None
    video_url: Url | None = None
    tags: list[Tag] | None = Field(None, max_length=30)
    prerequisite_skills: list[Skill] | None = Field(None, max_length=50)
    skill_names: dict[Skill, SkillName] | None = Field(
        None,
        max_length=200,
        description="Display names of the course's skills ({skill_id: name}); unnamed skills get a name "
        "derived from the id (python.loop_control -> Loop control).",
    )
    quiz_policy: QuizPolicy | None = Field(
        None, description="Attempts allowed per quiz and when answer keys are shown; null restores the defaults."
    )
    tutor_policy: TutorPolicy | None = Field(
        None,
        description="Conversation review and LLM token caps for the course's tutor chat; null restores the "
        "defaults (review off, no caps).",
    )


class CourseIn(CourseFields):
    """``POST /api/courses/`` body."""

    title: ShortText
    category: Category
    difficulty_level: Difficulty = "beginner"
    quiz_policy: QuizPolicy | None = Field(
        default_factory=QuizPolicy, description="Attempts allowed per quiz and when answer keys are shown."
    )
    modules: list[ModuleIn] = Field(default_factory=list, max_length=100)


class CourseUpdate(CourseFields):
    """``PATCH /api/courses/{id}/`` body (modules are edited through their own routes)."""


SortField = Literal["created_at", "title", "price", "rating", "duration_hours", "enrollments"]


class CourseQuery(StrictModel):
    """Catalogue filters, sorting and pagination."""

    category: str | None = None
    difficulty_level: Difficulty | None = None
    tags: list[Tag] = Field(default_factory=list)
    min_price: float | None = Field(None, ge=0)
    max_price: float | None = Field(None, ge=0)
    q: Annotated[str, StringConstraints(max_length=200)] | None = None
    instructor_id: Identifier | None = None
    sort: SortField = "created_at"
    order: Literal["asc", "desc"] = "desc"
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)

    @model_validator(mode="after")
    def _price_range(self) -> CourseQuery:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError("min_price must not exceed max_price")
        return self
