"""The practice service as the agent's :class:`~agents.deps.PracticePort`, for the signed-in user only."""

from __future__ import annotations

from typing import Any

from agents.deps import PracticePort
from tutor.container import Services
from tutor.errors import Forbidden
from tutor.services.principal import Principal


class PracticeAdapter(PracticePort):
    """Practice questions and their grading, acting only for ``principal``."""

    def __init__(self, services: Services, principal: Principal) -> None:
        self.services = services
        self.principal = principal

    async def next_question(self, user_id: str, course_id: str | None, topic: str | None) -> dict[str, Any]:
        """A question for the authenticated user (a different ``user_id`` is refused)."""
        self._same_user(user_id)
        return await self.services.practice.next_question(self.principal, course_id, topic)

    async def check(self, user_id: str, pending: dict[str, Any], answer: str) -> dict[str, Any]:
        """Grade the authenticated user's answer to ``pending`` (a different ``user_id`` is refused)."""
        self._same_user(user_id)
        return await self.services.practice.check(self.principal, pending, answer)

    def _same_user(self, user_id: str) -> None:
        # Same rule as agents.adapters._same_user; not imported from there because adapters.py
        # imports this module to build the deps.
        if user_id != self.principal.user_id:
            raise Forbidden("tools act only for the signed-in user")
