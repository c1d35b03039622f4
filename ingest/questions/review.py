"""Question drafts for a course's instructor: request a generation job, list, edit, approve, reject.

Generation itself runs on the worker (``questions.generate``, see :mod:`ingest.questions.job`); this
service only records the request and queues it. An approved draft becomes an ordinary quiz question
of the chosen lesson (a stable id derived from the draft, hidden key, server grading), through
:meth:`tutor.services.course_content.CourseContentService.add_question`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from tutor.db import Document
from tutor.errors import Conflict, InvalidInput, NotFound, Unavailable
from tutor.queue import TaskQueue
from tutor.repositories.materials import MaterialRepository
from tutor.repositories.question_drafts import QuestionDraftRepository, QuestionJobRepository
from tutor.schemas.common import new_id, utcnow
from tutor.schemas.courses import QuizQuestionIn
from tutor.schemas.drafts import ApproveIn, DraftEdit, DraftRequest, DraftStatus, check_choices
from tutor.services.course_content import CourseContentService
from tutor.services.course_tree import find_lesson
from tutor.services.courses import CourseService
from tutor.services.principal import Principal

TASK = "questions.generate"


class DraftService:
    """Question drafts of courses; only a course's own instructor sees or touches its drafts."""

    def __init__(
        self,
        drafts: QuestionDraftRepository,
        jobs: QuestionJobRepository,
        materials: MaterialRepository,
        courses: CourseService,
        content: CourseContentService,
        queue: TaskQueue,
    ) -> None:
        self.drafts = drafts
        self.jobs = jobs
        self.materials = materials
        self.courses = courses
        self.content = content
        self.queue = queue

    async def request(self, principal: Principal, course_id: str, data: DraftRequest) -> dict[str, Any]:
        """Record a generation job and queue it; unknown lessons or files are refused before anything is stored."""
        course = await self.courses.owned(course_id, principal)
        if data.lesson_id is not None and find_lesson(course, data.lesson_id) is None:
            raise NotFound(f"lesson {data.lesson_id} not found in this course")
        if data.document_ids:
            found = await self.materials.by_ids(list(data.document_ids))
            unknown = [d for d in data.document_ids if d not in found or found[d]["course_id"] != course_id]
            if unknown:
                raise NotFound(f"material {unknown[0]} not found in this course")
        now = utcnow()
        job_id = new_id()
        job: Document = {
            "_id": job_id,
            "course_id": course_id,
            "created_by": principal.user_id,
            "state": "queued",
            "requested": data.count,
            "lesson_id": data.lesson_id,
            "document_ids": list(data.document_ids or []),
            "skills": list(data.skills or []),
            "generated": 0,
            "kept": 0,
            "rejected": {},
            "draft_ids": [],
            "generator": None,
            "error": None,
            "created_at": now,
            "updated_at": now,
        }
        await self.jobs.insert(job)
        try:
            await self.queue.enqueue(TASK, [job_id])
        except Unavailable:
            await self.jobs.delete(job_id)  # a refused request leaves nothing behind
            raise
        return job_view(job)

    async def job(self, principal: Principal, course_id: str, job_id: str) -> dict[str, Any]:
        """A generation job of the course."""
        await self.courses.owned(course_id, principal)
        job = await self.jobs.get(job_id)
        if job is None or job["course_id"] != course_id:
            raise NotFound("question generation job not found")
        return job_view(job)

    async def list(self, principal: Principal, course_id: str, status: DraftStatus | None) -> dict[str, Any]:
        """The course's drafts (newest first), optionally of one status."""
        await self.courses.owned(course_id, principal)
        return {"items": [draft_view(d) for d in await self.drafts.of_course(course_id, status)]}

    async def edit(self, principal: Principal, course_id: str, draft_id: str, data: DraftEdit) -> dict[str, Any]:
        """Change fields of a draft under review; the edited draft must still be a valid question."""
        course = await self.courses.owned(course_id, principal)
        draft = await self._under_review(course_id, draft_id)
        changes = data.model_dump(exclude_unset=True)
        if not changes:
            return draft_view(draft)
        if changes.get("lesson_id") is not None and find_lesson(course, changes["lesson_id"]) is None:
            raise InvalidInput(f"lesson {changes['lesson_id']} is not a lesson of this course")
        merged = {**draft, **changes}
        try:
            check_choices(merged["choices"], merged["answer"])
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        updated = await self.drafts.update_if_status(draft_id, "draft", {**changes, "edited": True})
        if updated is None:
            raise Conflict("the draft was approved or rejected meanwhile")
        return draft_view(updated)

    async def approve(self, principal: Principal, course_id: str, draft_id: str, data: ApproveIn) -> dict[str, Any]:
        """Append the draft to a lesson's quiz; from then on it is graded like any written question."""
        draft = await self._of_course(course_id, draft_id, principal)
        if draft["status"] == "approved":
            raise Conflict(f"the draft is already in the quiz as question {draft.get('question_id')}")
        if draft["status"] == "rejected":
            raise Conflict("a rejected draft cannot be approved")
        question_id = f"q-{draft_id}"
        try:
            question = QuizQuestionIn(
                id=question_id,
                prompt=draft["prompt"],
                choices=draft["choices"],
                skills=draft.get("skills", []),
                answer=draft["answer"],
                explanation=draft.get("explanation", ""),
            )
        except ValidationError as exc:
            raise InvalidInput(f"the draft is not a valid quiz question: {exc.errors()[0]['msg']}") from exc
        await self.content.add_question(course_id, data.lesson_id, question, principal)  # idempotent by id
        fields: Document = {"status": "approved", "lesson_id": data.lesson_id, "question_id": question_id}
        fields["approved_at"] = utcnow()
        updated = await self.drafts.update_if_status(draft_id, "draft", fields)
        stored = updated or await self.drafts.get(draft_id)  # a concurrent approval got there first
        if stored is None:
            raise NotFound("draft not found")
        return {"draft": draft_view(stored), "lesson_id": stored["lesson_id"], "question_id": stored["question_id"]}

    async def reject(self, principal: Principal, course_id: str, draft_id: str) -> None:
        """Reject a draft under review (it stays listed under ``rejected`` and is never generated again)."""
        draft = await self._of_course(course_id, draft_id, principal)
        if draft["status"] == "approved":
            raise Conflict("the draft is already a quiz question; edit the lesson's quiz to remove it")
        if draft["status"] == "draft":
            await self.drafts.update_if_status(draft_id, "draft", {"status": "rejected", "rejected_at": utcnow()})

    async def _of_course(self, course_id: str, draft_id: str, principal: Principal) -> Document:
        await self.courses.owned(course_id, principal)
        draft = await self.drafts.get(draft_id)
        if draft is None or draft["course_id"] != course_id:
            raise NotFound("draft not found")
        return draft

    async def _under_review(self, course_id: str, draft_id: str) -> Document:
        draft = await self.drafts.get(draft_id)
        if draft is None or draft["course_id"] != course_id:
            raise NotFound("draft not found")
        if draft["status"] != "draft":
            raise Conflict(f"the draft is {draft['status']}; only drafts under review can be edited")
        return draft


def job_view(job: Document) -> dict[str, Any]:
    """A generation job as the API answers it."""
    view = {k: v for k, v in job.items() if k != "_id"}
    return {"id": job["_id"], **view}


DRAFT_FIELDS = (
    "course_id", "status", "lesson_id", "prompt", "choices", "answer", "explanation", "skills", "citation",
    "source_text", "generator", "kind", "job_id", "created_at", "updated_at",
)  # fmt: skip


def draft_view(draft: Document) -> dict[str, Any]:
    """A draft as the API answers it (``question_id`` once approved)."""
    view: dict[str, Any] = {"id": draft["_id"], **{k: draft.get(k) for k in DRAFT_FIELDS}}
    if draft.get("question_id"):
        view["question_id"] = draft["question_id"]
    view["edited"] = bool(draft.get("edited"))
    return view
