"""The authenticated caller, as services see it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: taken from a verified token, never from a request body."""

    user_id: str
    role: str
    # The account's e-mail and display name as read by this request's session check (None: not read
    # here), so a chat turn need not read the account a second time. Not part of the caller's identity.
    email: str | None = field(default=None, compare=False)
    full_name: str | None = field(default=None, compare=False)
    # The account's learner stamp as read by this request's session check (None: not read here); see
    # tutor.services.learner_cache.
    learner_version: int | None = field(default=None, compare=False)

    @property
    def is_instructor(self) -> bool:
        """Whether the caller has the instructor role."""
        return self.role == "instructor"
