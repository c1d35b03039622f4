"""Shared field types and helpers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]


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
