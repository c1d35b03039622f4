"""The LTI 1.3 launch flow: login initiation, launch, and the one-time code the web app exchanges.

A launch proves who the LMS user is (the platform signed it); the tool maps that user to an account
(created on first launch), the LMS context to a course, and opens the web app there. The browser
never carries a token in a URL: the launch answers a one-time code (60 s, single use) that the web
app exchanges at ``POST /api/auth/lti/exchange/`` for the usual tokens.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from tutor.db import Document
from tutor.errors import Conflict, InvalidInput, NotFound, Unauthorized
from tutor.lti import claims as c
from tutor.lti.platform_keys import PlatformKeys
from tutor.lti.validate import validate_id_token
from tutor.repositories.courses import CourseRepository
from tutor.repositories.lti import (
    LtiCodeRepository,
    LtiContextRepository,
    LtiIdentityRepository,
    LtiPlatformRepository,
    LtiStateRepository,
    digest,
)
from tutor.services.auth import AuthService
from tutor.services.course_state import is_live
from tutor.services.enrollment import EnrollmentService
from tutor.services.lti_accounts import LtiAccounts
from tutor.services.lti_deep_linking import DeepLinkingService
from tutor.services.lti_grades import GradePassback
from tutor.services.lti_roster import RosterSync
from tutor.services.principal import Principal

log = logging.getLogger(__name__)

STATE_LIFETIME = timedelta(minutes=10)
CODE_LIFETIME = timedelta(seconds=60)


@dataclass(frozen=True)
class LtiRecords:
    """The repositories of the LTI collections."""

    platforms: LtiPlatformRepository
    states: LtiStateRepository
    identities: LtiIdentityRepository
    contexts: LtiContextRepository
    codes: LtiCodeRepository


@dataclass(frozen=True)
class LoginRedirect:
    """Where the browser goes next, and the ``state`` to bind to it with a cookie."""

    url: str
    state: str


@dataclass(frozen=True)
class Launched:
    """A validated launch: the one-time code for the web app and where the app opens."""

    code: str
    target: str
    claims: dict[str, Any]


class LtiService:
    """Login initiation, launch and code exchange for every registered platform."""

    def __init__(
        self,
        records: LtiRecords,
        auth: AuthService,
        accounts: LtiAccounts,
        courses: CourseRepository,
        enrollment: EnrollmentService,
        platform_keys: PlatformKeys,
        deep_linking: DeepLinkingService,
        grades: GradePassback,
        roster: RosterSync,
    ) -> None:
        self.records = records
        self.auth = auth
        self.accounts = accounts
        self.courses = courses
        self.enrollment = enrollment
        self.platform_keys = platform_keys
        self.deep_linking = deep_linking
        self.grades = grades
        self.roster = roster
        self.launch_url = deep_linking.launch_url

    async def login(self, params: dict[str, str]) -> LoginRedirect:
        """OIDC login initiation: the platform's authorization URL with a fresh single-use ``state`` and ``nonce``."""
        for name in ("iss", "login_hint", "target_link_uri"):
            if not params.get(name):
                raise InvalidInput(f"the login request lacks {name!r}")
        platform = await self._platform(params["iss"], params.get("client_id"))
        deployment = params.get("lti_deployment_id")
        if deployment and deployment not in platform.get("deployment_ids", []):
            raise Unauthorized(f"deployment {deployment!r} is not registered for this platform")
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        await self.records.states.issue(state, {"nonce": nonce, "platform_id": platform["_id"]}, STATE_LIFETIME)
        query = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": platform["client_id"],
            "redirect_uri": self.launch_url,
            "login_hint": params["login_hint"],
            "state": state,
            "nonce": nonce,
        }
        if params.get("lti_message_hint"):
            query["lti_message_hint"] = params["lti_message_hint"]
        separator = "&" if "?" in platform["auth_login_url"] else "?"
        return LoginRedirect(f"{platform['auth_login_url']}{separator}{urlencode(query)}", state)

    async def launch(self, id_token: str, state: str, browser_state: str | None) -> Launched:
        """Validate a launch and map it to an account and a course; the code and target for the web app."""
        if not id_token or not state:
            raise InvalidInput("the launch lacks id_token or state")
        login = await self.records.states.consume(state)
        if login is None:
            raise Unauthorized("unknown or expired state: start the launch again from the LMS")
        if browser_state is not None and browser_state != state:
            raise Unauthorized("the state does not belong to this browser")
        platform = await self.records.platforms.get(login["platform_id"])
        if platform is None:
            raise Unauthorized("the platform of this launch is no longer registered")
        claims = await validate_id_token(id_token, platform, login["nonce"], self.platform_keys)
        user = await self._account(platform, claims)
        if claims[c.MESSAGE_TYPE] == c.DEEP_LINKING_REQUEST:
            target = await self._deep_link_target(user, platform, claims)
        else:
            target = await self._resource_target(user, platform, claims)
        code = secrets.token_urlsafe(32)
        await self.records.codes.issue(code, user["_id"], target, CODE_LIFETIME)
        log.info("LTI launch: %s as %s (%s) → %s", platform["issuer"], user["_id"], user["role"], target)
        return Launched(code, target, claims)

    async def exchange(self, code: str) -> dict[str, Any]:
        """The tokens for a launch's one-time code (valid once, for 60 s), with where the app opens."""
        record = await self.records.codes.consume(code)
        if record is None:
            raise Unauthorized("this launch code is unknown, used or expired: launch again from the LMS")
        tokens = await self.auth.open_session(record["user_id"])
        return {**tokens, "target": record["target"]}

    async def context_of(self, principal: Principal, context_key: str) -> dict[str, Any]:
        """An LMS context the caller teaches in (others are not found)."""
        context = await self.records.contexts.get(context_key)
        if context is None or principal.user_id not in context.get("instructor_ids", []):
            raise NotFound("no LMS course of yours has this key")
        return _context_view(context)

    async def link_context(self, principal: Principal, context_key: str, course_id: str) -> dict[str, Any]:
        """Link an LMS context to one of the caller's courses (asked on an instructor's first launch)."""
        await self.context_of(principal, context_key)
        course = await self.courses.get(course_id)
        if course is None or not is_live(course) or course.get("instructor_id") != principal.user_id:
            raise NotFound(f"you teach no course {course_id!r}")
        context = await self.records.contexts.set_course(context_key, course_id)
        assert context is not None
        return _context_view(context)

    async def _platform(self, issuer: str, client_id: str | None) -> Document:
        found = await self.records.platforms.of_issuer(issuer, client_id)
        if not found:
            client = f" with client {client_id!r}" if client_id else ""
            raise NotFound(f"no platform {issuer!r} is registered{client}")
        if len(found) > 1:
            raise InvalidInput(f"{issuer!r} has several registrations: the login request must send client_id")
        return found[0]

    async def _account(self, platform: Document, claims: dict[str, Any]) -> Document:
        """The account of the launching LMS user (see :class:`LtiAccounts`)."""
        given = " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name"))
        return await self.accounts.account(
            platform["issuer"],
            str(claims["sub"]),
            claims.get(c.ROLES, []),
            str(claims.get("name") or given),
            str(claims.get("email") or ""),
        )

    async def _resource_target(self, user: Document, platform: Document, claims: dict[str, Any]) -> str:
        """Where a resource-link launch opens. What the user may do follows this launch's roles, not only the
        account's: an instructor account that the LMS launches as a learner gets no teaching rights here."""
        custom: dict[str, Any] = claims[c.CUSTOM] if isinstance(claims.get(c.CUSTOM), dict) else {}
        teaching = user["role"] == "instructor" and c.teaches(claims.get(c.ROLES, []))
        context = await self._context(user, platform, claims, teaching)
        course_id = str(custom.get("tutor_course_id") or "") or str((context or {}).get("course_id") or "")
        lesson_id = str(custom.get("tutor_lesson_id") or "")
        if not course_id:
            if teaching and context is not None:
                return f"/lti/link/{context['_id']}"
            return "/lti/unlinked"
        course = await self.courses.get(course_id)
        if course is None or not is_live(course):
            raise NotFound(f"the linked course {course_id!r} no longer exists")
        lessons = {lesson["id"] for module in course.get("modules", []) for lesson in module.get("lessons", [])}
        lesson = lesson_id if lesson_id in lessons else None
        if user["role"] == "student":
            with contextlib.suppress(Conflict):  # already enrolled
                await self.enrollment.enroll(Principal(user["_id"], "student"), course_id)
            await self.grades.remember(user, platform, claims, course_id, lesson)
        return f"/courses/{course_id}/lessons/{lesson}" if lesson else f"/courses/{course_id}"

    async def _context(
        self, user: Document, platform: Document, claims: dict[str, Any], teaching: bool
    ) -> Document | None:
        """Record the launch's LMS context (with the service endpoints it announced); None without one.

        The user is one of the context's instructors while the LMS launches them with a teaching role;
        a launch with another role takes that right away again."""
        context = claims.get(c.CONTEXT)
        if not isinstance(context, dict) or not context.get("id"):
            return None
        deployment = str(claims[c.DEPLOYMENT_ID])
        key = digest(platform["issuer"], platform["client_id"], deployment, str(context["id"]))
        fields: dict[str, Any] = {
            "platform_id": platform["_id"],
            "deployment_id": deployment,
            "context_id": str(context["id"]),
            "title": str(context.get("title") or context.get("label") or context["id"]),
        }
        if isinstance(claims.get(c.AGS_ENDPOINT), dict):
            fields["ags"] = claims[c.AGS_ENDPOINT]
        if isinstance(claims.get(c.NRPS), dict):
            fields["nrps"] = claims[c.NRPS]
        doc = await self.records.contexts.seen(key, fields)
        listed = user["_id"] in doc.get("instructor_ids", [])
        if teaching and not listed:
            doc = await self.records.contexts.add_instructor(key, user["_id"])
        elif listed and not teaching:
            await self.records.contexts.remove_instructor(key, user["_id"])
        return doc

    async def _deep_link_target(self, user: Document, platform: Document, claims: dict[str, Any]) -> str:
        return f"/lti/deep-link/{await self.deep_linking.remember(user, platform, claims)}"


def _context_view(context: Document) -> dict[str, Any]:
    return {
        "key": context["_id"],
        "context_id": context["context_id"],
        "title": context.get("title"),
        "course_id": context.get("course_id"),
    }
