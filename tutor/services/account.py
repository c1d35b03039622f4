"""The caller's own data: export everything, or delete the account and every personal record.

Deletion removes the user document, enrollments, progress (practice state included: it lives in
progress and attempts), chat threads with their messages (archived ones too), the learner model
(recommendations), feedback on recommendations and the interactions linked to it, and sessions. Quiz
attempts feed the per-course knowledge-tracing models, so they are anonymised instead: their ``user_id``
becomes a random id recorded nowhere, which cannot be traced back. (A recommender policy already trained
on someone's feedback keeps what it learnt, as counts in its decision record and weights in its network.)
"""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.errors import Conflict, Forbidden, NotFound, Unauthorized
from tutor.repositories.bundle import Repositories
from tutor.schemas.common import new_id, utcnow
from tutor.security.passwords import verify_password
from tutor.services.conversations import thread_view
from tutor.services.course_state import LIVE
from tutor.services.enrollment import enrollment_view
from tutor.services.labels import load_labels
from tutor.services.principal import Principal
from tutor.services.sessions import SessionService
from tutor.services.views import progress_view, user_view


class AccountService:
    """Export and deletion of the caller's own account."""

    def __init__(self, records: Repositories, sessions: SessionService) -> None:
        """``records``: the core's repositories (every one that holds records of a user); ``sessions``: told
        when an account is deleted, so no cached session check outlives it."""
        self.records = records
        self.sessions = sessions

    async def export(self, principal: Principal) -> dict[str, Any]:
        """Everything stored about the caller, and nothing about anyone else (no password hash)."""
        r = self.records
        uid = principal.user_id
        user = await r.users.get(uid)
        if user is None:
            raise NotFound("account not found")
        enrollments = await r.enrollments.all_of_user(uid)
        progress = await r.progress.of_user(uid)
        labels = await load_labels(r.courses, {d["course_id"] for d in [*enrollments, *progress]})
        titles = labels.course_titles  # a removed course's title stays on its enrollment
        threads = await self._threads(uid)
        return {
            "exported_at": utcnow(),
            "user": user_view(user),
            "enrollments": [
                {**enrollment_view(e, None), "course_title": titles.get(e["course_id"], e.get("course_title"))}
                for e in enrollments
            ],
            "progress": [progress_view(doc, labels) for doc in progress],
            "quiz_attempts": [_record(doc) for doc in await r.attempts.of_user(uid)],
            "threads": threads,
            "review_flags": review_flags(threads),
            "tutor_usage": [{k: doc.get(k, 0) for k in USAGE_FIELDS} for doc in await r.usage.of_student(uid)],
            "recommendations": await r.recommendations.of_user(uid),
            "recommendation_feedback": [_record(doc) for doc in await r.feedback.of_user(uid)],
            "recommendation_interactions": [_record(doc) for doc in await r.interactions.of_user(uid)],
        }

    async def delete(self, principal: Principal, password: str) -> None:
        """Delete the caller's account after checking its password.

        Raises:
            Unauthorized: The account no longer exists.
            Forbidden: Wrong password.
            Conflict: An instructor who still teaches courses (transfer or delete them first).
        """
        r = self.records
        uid = principal.user_id
        user = await r.users.get(uid)
        if user is None:
            raise Unauthorized("account no longer exists")
        if not verify_password(password, user.get("password_hash")):
            raise Forbidden("the password is not correct")
        taught = await r.courses.find({"instructor_id": uid, **LIVE}, projection={"title": 1}, sort=[("_id", 1)])
        if taught:
            raise Conflict(
                f"you still teach {len(taught)} course(s): transfer them to another instructor or delete them "
                "before deleting your account",
                details={"course_ids": [c["_id"] for c in taught]},
            )
        await self._erase(uid)
        await r.users.delete(uid)
        self.sessions.account_changed(uid)
        # Again, for anything a request still in flight wrote meanwhile; the account is gone now.
        await self._erase(uid)

    async def _threads(self, uid: str) -> list[dict[str, Any]]:
        """The user's threads, each with its archived (older) messages before its live ones."""
        archived: dict[str, list[dict[str, Any]]] = {}
        for doc in await self.records.archive.of_user(uid):
            archived.setdefault(doc["thread_id"], []).append(doc["message"])
        out = []
        for thread in await self.records.threads.all_of_user(uid):
            view = thread_view(thread)
            view["messages"] = [*archived.get(thread["_id"], []), *view.get("messages", [])]
            out.append(view)
        return out

    async def _erase(self, uid: str) -> None:
        r = self.records
        for enrollment in await r.enrollments.of_user(uid):
            await r.courses.add_enrollment(enrollment["course_id"], -1)
        await r.enrollments.delete_many({"user_id": uid})
        await r.progress.delete_many({"user_id": uid})
        await r.attempts.update_many({"user_id": uid}, {"$set": {"user_id": f"anonymous-{new_id()}"}})
        await r.threads.delete_many({"user_id": uid})  # with the review flags on their messages
        await r.archive.delete_user(uid)
        await r.usage.forget_student(uid)
        await r.usage_caps.forget_student(uid)
        await r.recommendations.delete_many({"user_id": uid})
        await r.feedback.delete_many({"user_id": uid})
        await r.interactions.delete_many({"user_id": uid})
        await r.sessions.delete_many({"user_id": uid})
        await r.removals.forget_instructor(uid)
        # The LMS identity goes too: a later launch of the same LMS user makes a new, empty account.
        await r.lti_identities.remove_user(uid)
        await r.lti_grade_links.delete_many({"user_id": uid})
        await r.lti_codes.delete_many({"user_id": uid})
        await r.lti_deep_links.delete_many({"user_id": uid})
        await r.lti_contexts.forget_instructor(uid)


USAGE_FIELDS = ("course_id", "day", "model", "messages", "prompt_tokens", "completion_tokens", "billable_tokens")


def review_flags(threads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The guardrail flags on the messages of ``threads`` (views with every message), oldest first."""
    return [
        {"thread_id": t["id"], "message_id": m["id"], "course_id": t.get("course_id"), "flags": m["flags"],
         "created_at": m["created_at"]}
        for t in threads
        for m in t.get("messages", [])
        if m.get("flags")
    ]  # fmt: skip


def _record(doc: Document) -> dict[str, Any]:
    out = {k: v for k, v in doc.items() if k != "_id"}
    out["id"] = doc["_id"]
    return out
