"""Question drafts generated from course material, reviewed by the course's instructor; course concepts."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.params import Parameter

from api.auth import instructor_only
from api.params import PathId
from api.schemas.convert import typed
from api.schemas.drafts import ApprovedOut, ConceptListOut, DraftJobOut, DraftListOut, DraftOut
from ingest.questions.concept_service import ConceptService
from ingest.questions.review import DraftService
from tutor.schemas.drafts import ApproveIn, ConceptsIn, DraftEdit, DraftRequest, DraftStatus
from tutor.services.principal import Principal


class QuestionDraftController(Controller):
    """Generate, list, edit, approve and reject question drafts; propose and accept concepts."""

    path = "/api/courses/{course_id:str}"
    tags = ["question drafts"]
    guards = [instructor_only]

    @post("/question-drafts/", status_code=202, summary="Generate question drafts from the course material")
    async def generate(
        self, course_id: PathId, data: DraftRequest, drafts: DraftService, principal: Principal
    ) -> DraftJobOut:
        """Queue a generation job; poll ``/question-drafts/jobs/{id}/`` until it has succeeded or failed."""
        return typed(await drafts.request(principal, course_id, data), DraftJobOut)

    @get("/question-drafts/jobs/{job_id:str}/", summary="A question generation job")
    async def job(self, course_id: PathId, job_id: PathId, drafts: DraftService, principal: Principal) -> DraftJobOut:
        """The job's state and counts."""
        return typed(await drafts.job(principal, course_id, job_id), DraftJobOut)

    @get("/question-drafts/", summary="Question drafts of the course")
    async def list_drafts(
        self,
        course_id: PathId,
        drafts: DraftService,
        principal: Principal,
        status: Annotated[DraftStatus | None, Parameter(query="status")] = None,
    ) -> DraftListOut:
        """Drafts, newest first; ``status`` filters (draft, approved or rejected)."""
        return typed(await drafts.list(principal, course_id, status), DraftListOut)

    @patch("/question-drafts/{draft_id:str}/", summary="Edit a question draft")
    async def edit(
        self, course_id: PathId, draft_id: PathId, data: DraftEdit, drafts: DraftService, principal: Principal
    ) -> DraftOut:
        """Change any field of a draft under review; the result must still be a valid question (else 400)."""
        return typed(await drafts.edit(principal, course_id, draft_id, data), DraftOut)

    @post("/question-drafts/{draft_id:str}/approve/", status_code=200, summary="Approve a question draft")
    async def approve(
        self, course_id: PathId, draft_id: PathId, data: ApproveIn, drafts: DraftService, principal: Principal
    ) -> ApprovedOut:
        """Append the draft to the lesson's quiz as an ordinary question (hidden key, server grading)."""
        return typed(await drafts.approve(principal, course_id, draft_id, data), ApprovedOut)

    @delete("/question-drafts/{draft_id:str}/", status_code=204, summary="Reject a question draft")
    async def reject(self, course_id: PathId, draft_id: PathId, drafts: DraftService, principal: Principal) -> None:
        """Reject a draft under review."""
        await drafts.reject(principal, course_id, draft_id)

    @get("/concepts/", summary="Concepts proposed from the course material")
    async def concepts(
        self, course_id: PathId, concept_service: ConceptService, principal: Principal
    ) -> ConceptListOut:
        """Headings and defined terms of the material, each with the passages teaching it."""
        return typed(await concept_service.proposals(principal, course_id), ConceptListOut)

    @put("/concepts/", summary="Accept concepts as the course's skill tags")
    async def accept_concepts(
        self, course_id: PathId, data: ConceptsIn, concept_service: ConceptService, principal: Principal
    ) -> ConceptListOut:
        """The given concepts become the accepted ones (their names are the skills' display names)."""
        return typed(await concept_service.accept(principal, course_id, data), ConceptListOut)
