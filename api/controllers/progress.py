"""Progress routes: always the caller's own."""

from __future__ import annotations

from litestar import Controller, get, post

from api.params import PathId
from api.schemas.convert import typed
from api.schemas.progress import ProgressOut
from tutor.container import Services
from tutor.schemas.progress import ProgressUpdateIn
from tutor.services.principal import Principal


class ProgressController(Controller):
    """The caller's progress."""

    path = "/api/progress"
    tags = ["progress"]

    @post("/update/", status_code=200, summary="Complete a lesson or submit its quiz")
    async def update(self, data: ProgressUpdateIn, services: Services, principal: Principal) -> ProgressOut:
        """Record completion/time, or grade quiz answers on the server; answers the progress document.

        A quiz submission is graded under the course's ``quiz_policy``: ``quiz_result`` holds answer
        keys and explanations only for the questions it reveals, and ``attempts_used`` /
        ``attempts_remaining``; a submission beyond ``max_attempts`` is a 409 and records nothing.
        """
        return typed(await services.progress.update(principal, data), ProgressOut)

    @get("/", summary="My progress in every course")
    async def mine(self, services: Services, principal: Principal) -> list[ProgressOut]:
        """All of the caller's progress documents."""
        return typed(await services.progress.mine(principal), list[ProgressOut])

    @get("/{course_id:str}/", summary="My progress in one course")
    async def mine_in(self, course_id: PathId, services: Services, principal: Principal) -> ProgressOut:
        """The caller's progress in ``course_id``."""
        return typed(await services.progress.mine_in(principal, course_id), ProgressOut)
