"""The authenticated caller, as services see it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: taken from a verified token, never from a request body."""

    user_id: str
    role: str

    @property
    def is_instructor(self) -> bool:
        """Whether the caller has the instructor role."""
        return self.role == "instructor"
