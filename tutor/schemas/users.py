"""User and profile shapes."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema
from pydantic.config import JsonDict

from tutor.schemas.common import NOT_BLANK, ShortText, StrictModel
from tutor.security.password_policy import MIN_LENGTH as PASSWORD_MIN_LENGTH

Role = Literal["student", "instructor"]
SkillLevel = Literal["beginner", "intermediate", "advanced"]
LearningStyle = Literal["visual", "auditory", "reading", "kinesthetic", "mixed"]
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _normalise_email(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 254 or not _EMAIL_RE.match(value):
        raise ValueError("not a valid email address")
    return value


# The schema's pattern is narrower than the check (ASCII before the @): every address it matches is accepted.
_EMAIL_SCHEMA = {
    "type": "string",
    "maxLength": 254,
    "pattern": r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$",
}
Email = Annotated[str, AfterValidator(_normalise_email), WithJsonSchema(_EMAIL_SCHEMA)]
# Length bounds only: the password policy (tutor.security.password_policy) is applied by the service,
# so that the API and the CLI give the same clear message for each rule.
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Goal = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NOT_BLANK)]
# Documents the policy's length rule in the schema; the policy itself gives the message (400, rule min_length).
POLICY_LENGTH: JsonDict = {"minLength": PASSWORD_MIN_LENGTH}


class ProfileFields(StrictModel):
    """Optional profile fields a user may set on themselves."""

    avatar: Annotated[str, StringConstraints(max_length=500)] | None = None
    career_goals: list[Goal] | None = Field(None, max_length=20)
    skill_level: SkillLevel | None = None
    preferred_learning_style: LearningStyle | None = None


class RegisterIn(ProfileFields):
    """Self-registration body."""

    email: Email
    password: Password = Field(json_schema_extra=POLICY_LENGTH)
    full_name: ShortText
    role: Role | None = Field(None, description="Only 'student' unless TUTOR_ALLOW_INSTRUCTOR_SIGNUP is on.")


class LoginIn(StrictModel):
    """Login body."""

    email: Annotated[str, StringConstraints(min_length=3, max_length=320)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class RefreshIn(StrictModel):
    """Refresh body."""

    refresh_token: Annotated[str, StringConstraints(min_length=10, max_length=4096)]


class LogoutIn(StrictModel):
    """Logout body: the refresh token of the session to end."""

    refresh_token: Annotated[str, StringConstraints(min_length=10, max_length=4096)]


class PasswordChangeIn(StrictModel):
    """``POST /api/auth/password/`` body."""

    current_password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    new_password: Password = Field(json_schema_extra=POLICY_LENGTH)


class ProfileUpdate(ProfileFields):
    """``PATCH /api/auth/me/`` body."""

    full_name: ShortText | None = None
