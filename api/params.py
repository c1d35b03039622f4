"""Validated path parameters."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from tutor.schemas.common import ID_PATTERN

PathId = Annotated[str, Parameter(pattern=ID_PATTERN, max_length=64)]
