"""Conversation threads: each belongs to one user, who alone may read or delete it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tutor.db import Document
from tutor.errors import NotFound
from tutor.repositories.threads import ThreadRepository, review_summary
from tutor.schemas.common import new_id, utcnow
from tutor.schemas.tutor_policy import policy_of
from tutor.services.courses import CourseService
from tutor.services.principal import Principal
from tutor.services.thread_archive import ThreadArchiveService


class ConversationService:
    """Threads of the calling user."""

    def __init__(
        self,
        threads: ThreadRepository,
        archive: ThreadArchiveService | None = None,
        courses: CourseService | None = None,
    ) -> None:
        self.threads = threads
        # Tells each thread's review policy (None: every thread shows review "off").
        self.courses = courses
        # Caps live messages per thread; older ones are archived (None: threads grow without a cap).
        self.archive = archive

    async def open(
        self,
        principal: Principal,
        thread_id: str | None,
        title: str,
        course_id: str | None,
        messages: Sequence[dict[str, Any]] = (),
    ) -> Document:
        """The caller's thread ``thread_id``, or a new one when ``thread_id`` is None, with ``messages`` appended.

        Returns the thread as it was before ``messages``. A new thread is written once, with
        ``messages`` already in it, rather than inserted and then updated.
        """
        if thread_id is not None:
            thread = await self.owned(principal, thread_id)
            if messages:
                await self.append(thread_id, list(messages))
            return thread
        doc = _new_thread(principal, title, course_id)
        review = review_summary(list(messages))
        stored = {**doc, "messages": list(messages), "message_count": len(messages)}
        await self.threads.insert({**stored, "review_stats": review} if review else stored)
        if self.archive is not None and len(messages) > self.archive.max_messages:
            await self.archive.trim(doc["_id"])
        return doc

    async def owned(self, principal: Principal, thread_id: str) -> Document:
        """A thread of the caller; another user's thread is reported as not found."""
        thread = await self.threads.get(thread_id)
        if thread is None or thread["user_id"] != principal.user_id:
            raise NotFound("thread not found")
        return thread

    async def append(self, thread_id: str, messages: list[dict[str, Any]]) -> None:
        """Record messages of a turn, then archive the oldest ones beyond the thread cap."""
        keep = self.archive.max_messages if self.archive is not None else None
        # A thread with room under its cap needs no trim (and no read to find that out).
        if await self.threads.append(thread_id, messages, keep) and self.archive is not None:
            await self.archive.trim(thread_id)

    async def list(self, principal: Principal) -> list[dict[str, Any]]:
        """The caller's threads, newest first."""
        return [await self._with_review(thread_view(t)) for t in await self.threads.of_user(principal.user_id)]

    async def get(self, principal: Principal, thread_id: str) -> dict[str, Any]:
        """One of the caller's threads with its messages."""
        return await self._with_review(thread_view(await self.owned(principal, thread_id)))

    async def _with_review(self, view: dict[str, Any]) -> dict[str, Any]:
        """The view with ``review``: whether the course's instructor may read the thread's new messages."""
        course_id = view.get("course_id")
        course = await self.courses.cache.document(course_id) if self.courses is not None and course_id else None
        view["review"] = policy_of(course).conversation_review
        return view

    async def delete(self, principal: Principal, thread_id: str) -> None:
        """Delete one of the caller's threads."""
        await self.owned(principal, thread_id)
        await self.threads.delete(thread_id)
        if self.archive is not None:
            await self.archive.forget_thread(thread_id)


def _new_thread(principal: Principal, title: str, course_id: str | None) -> Document:
    now = utcnow()
    return {
        "_id": new_id(),
        "user_id": principal.user_id,
        "course_id": course_id,
        "title": title[:80],
        "messages": [],
        "message_count": 0,
        "created_at": now,
        "updated_at": now,
    }


def thread_view(thread: Document) -> dict[str, Any]:
    """A thread as the API shows it."""
    out = {k: v for k, v in thread.items() if k not in ("_id", "review_stats")}  # stats are the reviewer's
    out["id"] = thread["_id"]
    return out
