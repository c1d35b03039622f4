"""``question_drafts`` (generated questions under review) and ``question_jobs`` (one per generation request).

The API reads and edits drafts; the worker writes them and records its job's progress. Both go
through these repositories (the worker through :class:`tutor.repositories.blocking.BlockingRepositories`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ReturnDocument

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow


class QuestionDraftRepository(Repository):
    """Drafts of one course each; ``status`` is draft | approved | rejected."""

    too_large_message = "the draft is too large to store"

    async def of_course(self, course_id: str, status: str | None = None, limit: int = 500) -> list[Document]:
        """A course's drafts, newest first, optionally of one status."""
        query: dict[str, Any] = {"course_id": course_id}
        if status is not None:
            query["status"] = status
        return await self.find(query, sort=[("created_at", -1), ("_id", 1)], limit=limit)

    async def questions_of_course(self, course_id: str) -> list[tuple[str, str]]:
        """``(prompt, correct choice)`` of the course's drafts not rejected (what a new one must not repeat)."""
        docs = await self.find(
            {"course_id": course_id, "status": {"$ne": "rejected"}}, projection={"prompt": 1, "choices": 1, "answer": 1}
        )
        return [(doc["prompt"], doc["choices"][doc["answer"]]) for doc in docs]

    async def insert_many(self, drafts: Sequence[Document]) -> None:
        """Store new drafts."""
        if drafts:
            with self.size_checked():
                await self.collection.insert_many(list(drafts))

    async def update_if_status(self, draft_id: str, status: str, fields: dict[str, Any]) -> Document | None:
        """Set ``fields`` on a draft still in ``status``; the updated draft, or None when it moved on."""
        return await self.collection.find_one_and_update(
            {"_id": draft_id, "status": status},
            {"$set": {**fields, "updated_at": utcnow()}},
            return_document=ReturnDocument.AFTER,
        )

    async def delete_course(self, course_id: str) -> None:
        """Forget every draft of a removed course."""
        await self.collection.delete_many({"course_id": course_id})


class QuestionJobRepository(Repository):
    """Generation jobs: what was asked, how far the worker got, what it kept and why it dropped the rest."""

    async def set_fields(self, job_id: str, fields: dict[str, Any]) -> None:
        """Set fields of a job (state, counts, the end of a run)."""
        await self.collection.update_one({"_id": job_id}, {"$set": {**fields, "updated_at": utcnow()}})

    async def delete_course(self, course_id: str) -> None:
        """Forget every job of a removed course."""
        await self.collection.delete_many({"course_id": course_id})
