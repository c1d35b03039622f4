"""Shared field types and helpers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
# On a stripped text ``\S`` changes nothing (min_length=1 already refuses blank text); it tells the JSON
# schema, which cannot strip, that a text of whitespace only is refused.
NOT_BLANK = r"\S"
Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]


def whole(value: Any) -> Any:
    """``value`` as an ``int`` when it is a float without a fractional part (``2.0``), else unchanged.

    JSON (and JSON Schema) has one number type, so ``2.0`` is a valid integer; bodies are validated
    strictly, which would refuse the float. Use as ``Annotated[int, Field(ge=..), BeforeValidator(whole)]``
    (bounds before the validator, so the JSON schema keeps them as ``minimum``/``maximum``).
    """
    return int(value) if isinstance(value, float) and value.is_integer() else value


class StrictModel(BaseModel):
    """Request model: unknown fields are an error, so no body can smuggle a privileged field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


def new_id(prefix: str = "") -> str:
    """A new random identifier, optionally prefixed (``l-`` for lessons, ``q-`` for questions)."""
    return f"{prefix}{uuid.uuid4().hex[:16] if prefix else uuid.uuid4().hex}"


def utcnow() -> datetime:
    """Timezone-aware now, truncated to milliseconds as MongoDB stores it."""
    now = datetime.now(UTC)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)
