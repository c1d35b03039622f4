"""Request bodies of the caller's own account data (export and deletion)."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from tutor.schemas.common import StrictModel


class AccountDeleteIn(StrictModel):
    """``DELETE /api/auth/me/`` body: the account's password, to confirm."""

    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
