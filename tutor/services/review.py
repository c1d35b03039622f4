"""Conversation review: a course's instructor reads its tutor conversations, as the course's policy allows.

Only threads about the course, only messages written while review was on (each message carries the
policy in force when it was written), students named or pseudonymised per the policy, flagged threads first.
"""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.errors import Forbidden, NotFound
from tutor.repositories.thread_archive import ThreadArchiveRepository
from tutor.repositories.threads import ThreadRepository
from tutor.schemas.tutor_policy import policy_of
from tutor.services.courses import CourseService
from tutor.services.principal import Principal
from tutor.services.pseudonyms import StudentLabels

REVIEW_OFF = (
    "Conversation review is off for this course, so its students have not been told their conversations can be "
    "read. Turn it on in the course's tutor policy (tutor_policy.conversation_review: anonymized or named) to "
    "review conversations written from then on."
)
MESSAGE_FIELDS = ("id", "role", "content", "created_at", "flags", "citations", "tool_calls", "model", "incomplete")


class ReviewService:
    """Read-only access of a course's instructor to its students' tutor conversations."""

    def __init__(
        self,
        courses: CourseService,
        threads: ThreadRepository,
        archive: ThreadArchiveRepository,
        students: StudentLabels,
    ) -> None:
        self.courses = courses
        self.threads = threads
        self.archive = archive
        self.students = students

    async def _reviewable_course(self, principal: Principal, course_id: str) -> Document:
        course = await self.courses.owned(course_id, principal)
        if policy_of(course).conversation_review == "off":
            raise Forbidden(REVIEW_OFF)
        return course

    async def list(self, principal: Principal, course_id: str, page: int, page_size: int) -> dict[str, Any]:
        """A page of the course's reviewable threads, flagged ones first, then the latest."""
        course = await self._reviewable_course(principal, course_id)
        threads, total = await self.threads.reviewable(course_id, (page - 1) * page_size, page_size)
        labels = await self.students.labels(
            course,
            [t["user_id"] for t in threads],
            {t["user_id"] for t in threads if t["review_stats"].get("anonymized")},
        )
        items = [
            {
                "thread_id": t["_id"],
                "student": labels[t["user_id"]],
                "messages": int(t["review_stats"].get("messages", 0)),
                "flags": list(t["review_stats"].get("flags") or []),
                "last_message_at": t["review_stats"]["last_at"],
            }
            for t in threads
        ]
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    async def thread(self, principal: Principal, course_id: str, thread_id: str) -> dict[str, Any]:
        """One reviewable thread of the course with its reviewable messages (archived ones first)."""
        course = await self._reviewable_course(principal, course_id)
        thread = await self.threads.get(thread_id)
        if (
            thread is None
            or thread.get("course_id") != course_id
            or not (thread.get("review_stats") or {}).get("messages")
        ):
            raise NotFound("no reviewable conversation with this id in this course")
        archived = [doc["message"] for doc in await self.archive.of_thread(thread_id)]
        messages = [m for m in [*archived, *thread.get("messages", [])] if m.get("review", "off") != "off"]
        summary = thread["review_stats"]
        labels = await self.students.labels(
            course, [thread["user_id"]], {thread["user_id"]} if summary.get("anonymized") else ()
        )
        return {
            "thread_id": thread["_id"],
            "student": labels[thread["user_id"]],
            "flags": list(summary.get("flags") or []),
            "last_message_at": summary["last_at"],
            "messages": [_message_view(m) for m in messages],
        }


def _message_view(message: Document) -> dict[str, Any]:
    out = {key: message.get(key) for key in MESSAGE_FIELDS}
    out["flags"] = list(message.get("flags") or [])
    out["citations"] = list(message.get("citations") or [])
    out["tool_calls"] = list(message.get("tool_calls") or [])
    return out
