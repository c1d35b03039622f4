"""Roster sync from the LMS (LTI Names and Role Provisioning Services 2.0).

An instructor of a linked LMS course asks for a sync; the tool reads the context's membership service
(every page of it), makes sure each member has an account, enrolls the active learners in the linked
course, and unenrolls learners the LMS lists as ``Inactive`` or ``Deleted`` (their progress is kept,
so a learner who comes back resumes). Teaching members become instructors of the LMS course here
(they may link it and see its gradebook state); a member who no longer has a teaching role loses that.
"""

from __future__ import annotations

import contextlib
from typing import Any

from tutor.errors import Conflict, InvalidInput, NotFound, Unavailable
from tutor.lti import claims as c
from tutor.lti.services_client import PlatformServices, ServiceError
from tutor.repositories.lti import LtiContextRepository, LtiPlatformRepository
from tutor.services.enrollment import EnrollmentService
from tutor.services.lti_accounts import LtiAccounts
from tutor.services.principal import Principal


class RosterSync:
    """Reads an LMS course's members and mirrors them as accounts and enrollments."""

    def __init__(
        self,
        contexts: LtiContextRepository,
        platforms: LtiPlatformRepository,
        accounts: LtiAccounts,
        enrollment: EnrollmentService,
        services: PlatformServices,
    ) -> None:
        self.contexts = contexts
        self.platforms = platforms
        self.accounts = accounts
        self.enrollment = enrollment
        self.services = services

    async def sync(self, principal: Principal, context_key: str) -> dict[str, Any]:
        """Sync the roster of an LMS course the caller teaches; counts of what changed."""
        context = await self.contexts.get(context_key)
        if context is None or principal.user_id not in context.get("instructor_ids", []):
            raise NotFound("no LMS course of yours has this key")
        course_id = context.get("course_id")
        if not course_id:
            raise InvalidInput("link this LMS course to a course first")
        url = (context.get("nrps") or {}).get("context_memberships_url")
        if not url:
            raise InvalidInput("the LMS did not offer its membership service for this course")
        platform = await self.platforms.get(context["platform_id"])
        if platform is None:
            raise NotFound("the platform of this LMS course is no longer registered")
        try:
            members = await self.services.memberships(platform, url, [c.SCOPE_MEMBERSHIPS])
        except ServiceError as exc:
            raise Unavailable(f"the LMS roster could not be read: {exc}") from exc
        counts = {"members": len(members), "accounts_created": 0, "enrolled": 0, "unenrolled": 0}
        instructors = set(context.get("instructor_ids", []))
        for member in members:
            await self._apply(member, platform["issuer"], context_key, str(course_id), instructors, counts)
        return counts

    async def _apply(
        self,
        member: dict[str, Any],
        issuer: str,
        context_key: str,
        course_id: str,
        instructors: set[str],
        counts: dict[str, int],
    ) -> None:
        sub = str(member.get("user_id") or "")
        if not sub:
            return
        roles = [str(r) for r in member.get("roles", []) if isinstance(r, str)]
        known = await self.accounts.identities.user_of(issuer, sub) is not None
        user = await self.accounts.account(
            issuer, sub, roles, str(member.get("name") or ""), str(member.get("email") or "")
        )
        counts["accounts_created"] += 0 if known else 1
        active = str(member.get("status") or "Active") == "Active"
        if active and c.teaches(roles) and user["role"] == "instructor":
            await self.contexts.add_instructor(context_key, user["_id"])
            return
        if user["_id"] in instructors:  # the LMS no longer gives them an active teaching role there
            await self.contexts.remove_instructor(context_key, user["_id"])
        if user["role"] != "student" or c.teaches(roles):
            return
        student = Principal(user["_id"], "student")
        if active:
            with contextlib.suppress(Conflict):  # already enrolled
                await self.enrollment.enroll(student, course_id)
                counts["enrolled"] += 1
        else:
            with contextlib.suppress(NotFound):  # not enrolled
                await self.enrollment.unenroll(student, course_id)
                counts["unenrolled"] += 1
