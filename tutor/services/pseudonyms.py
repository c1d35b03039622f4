"""How a course's instructor sees its students in reviews and usage reports: a stable pseudonym, or the name.

The pseudonym is a keyed hash of the course and the student (the same student gets the same pseudonym in
one course, and unrelated ones in two courses); it never contains or reveals a name or an email.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Sequence

from tutor.db import Document
from tutor.repositories.users import UserRepository
from tutor.schemas.tutor_policy import policy_of


class StudentLabels:
    """Names students for a course's instructor, as the course's review policy allows."""

    def __init__(self, users: UserRepository, secret: str) -> None:
        self.users = users
        self._key = hashlib.sha256(b"tutor-review-pseudonym|" + secret.encode()).digest()

    def pseudonym(self, course_id: str, user_id: str) -> str:
        """``Student 4f2a9c``: stable per course and student."""
        digest = hmac.new(self._key, f"{course_id}|{user_id}".encode(), hashlib.sha256).hexdigest()
        return f"Student {digest[:6]}"

    async def labels(
        self, course: Document, user_ids: Sequence[str], anonymized: Collection[str] = ()
    ) -> dict[str, str]:
        """Each student's label: the name under a ``named`` policy, else (and for ``anonymized``) the pseudonym.

        Args:
            course: The stored course (its policy decides).
            user_ids: The students to name.
            anonymized: Students who wrote under ``anonymized`` review: they keep their pseudonym even after
                the policy became ``named`` (they were told their name was hidden).
        """
        course_id = str(course["_id"])
        out = {uid: self.pseudonym(course_id, uid) for uid in user_ids}
        if policy_of(course).conversation_review != "named":
            return out
        wanted = [uid for uid in user_ids if uid not in anonymized]
        if wanted:
            for user in await self.users.find({"_id": {"$in": wanted}}, projection={"profile.full_name": 1}):
                name = (user.get("profile") or {}).get("full_name")
                if name:
                    out[str(user["_id"])] = str(name)
        return out
