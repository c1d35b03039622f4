"""LTI Deep Linking 2.0: an instructor picks courses or lessons in the tool, the tool answers the platform
with a signed ``LtiDeepLinkingResponse`` of ``ltiResourceLink`` items.

Each item carries the custom parameters ``tutor_course_id`` (and ``tutor_lesson_id`` for a lesson),
so a later launch of that link opens exactly it; when the platform offers grade services, the item
also asks for a line item, so the LMS gradebook gets a column the tool posts scores to.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from typing import Any

from tutor.db import Document
from tutor.errors import Forbidden, InvalidInput, NotFound
from tutor.lti import claims as c
from tutor.lti.keys import LazyToolKeys
from tutor.lti.urls import is_secure, origin
from tutor.repositories.courses import CourseRepository
from tutor.repositories.lti import LtiDeepLinkRepository, LtiPlatformRepository
from tutor.services.course_state import is_live
from tutor.services.lti_platforms import frame_origins
from tutor.services.principal import Principal

REQUEST_LIFETIME = timedelta(hours=1)
RESPONSE_LIFETIME_S = 300
SCORE_MAXIMUM = 100


def _makes_line_items(settings: dict[str, Any], claims: dict[str, Any]) -> bool:
    """Whether the items should ask for gradebook columns: as the platform says (``accept_lineitem``), and,
    where it says nothing, when it offers grade services in this launch."""
    accept = settings.get("accept_lineitem")
    if isinstance(accept, bool):
        return accept
    return isinstance(claims.get(c.AGS_ENDPOINT), dict)


class DeepLinkingService:
    """Deep-linking requests: remembered at launch, answered with the instructor's choice."""

    def __init__(
        self,
        links: LtiDeepLinkRepository,
        platforms: LtiPlatformRepository,
        courses: CourseRepository,
        keys: LazyToolKeys,
        launch_url: str,
    ) -> None:
        self.links = links
        self.platforms = platforms
        self.courses = courses
        self.keys = keys
        self.launch_url = launch_url

    async def remember(self, user: Document, platform: Document, claims: dict[str, Any]) -> str:
        """Store a validated deep-linking launch of an instructor; its id (the picker's address)."""
        if user["role"] != "instructor" or not c.teaches(claims.get(c.ROLES, [])):
            raise Forbidden("only the course's instructors can add the tutor to an LMS course")
        settings = claims[c.DEEP_LINKING_SETTINGS]
        accepts = settings.get("accept_types") or []
        if "ltiResourceLink" not in accepts:
            raise InvalidInput("the platform does not accept LTI resource links here")
        return_url = str(settings["deep_link_return_url"])
        sites = frame_origins(platform)
        if not is_secure(return_url) or origin(return_url) not in sites:
            raise InvalidInput(
                f"the LMS wants the answer at {origin(return_url) or return_url!r}, not a site registered for this "
                f"platform ({', '.join(sites)}): the administrator adds it with tutor lti add-platform --frame-origin"
            )
        link_id = secrets.token_hex(16)
        await self.links.issue(
            link_id,
            {
                "user_id": user["_id"],
                "platform_id": platform["_id"],
                "deployment_id": claims[c.DEPLOYMENT_ID],
                "return_url": return_url,
                "data": settings.get("data"),
                "accept_multiple": settings.get("accept_multiple") is True,
                "title": settings.get("title"),
                "line_items": _makes_line_items(settings, claims),
            },
            REQUEST_LIFETIME,
        )
        return link_id

    async def pending(self, principal: Principal, link_id: str) -> dict[str, Any]:
        """What the picker shows: whether several items may be chosen, and whether gradebook columns are made."""
        link = await self.links.pending(link_id, principal.user_id)
        if link is None:
            raise NotFound("this LMS request is unknown or expired: start again from the LMS")
        return {"id": link_id, "accept_multiple": link["accept_multiple"], "line_items": link["line_items"]}

    async def answer(self, principal: Principal, link_id: str, choices: list[tuple[str, str | None]]) -> dict[str, Any]:
        """Sign the response for ``choices`` (course id, lesson id or None); where the browser posts it."""
        link = await self.links.pending(link_id, principal.user_id)
        if link is None:
            raise NotFound("this LMS request is unknown or expired: start again from the LMS")
        if not choices or (len(choices) > 1 and not link["accept_multiple"]):
            raise InvalidInput("choose one item" if choices else "choose at least one course or lesson")
        items = [
            await self._item(principal, course_id, lesson_id, link["line_items"]) for course_id, lesson_id in choices
        ]
        platform = await self.platforms.get(link["platform_id"])
        if platform is None:
            raise NotFound("the platform of this request is no longer registered")
        if await self.links.consume(link_id, principal.user_id) is None:
            raise NotFound("this LMS request was already answered")
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": platform["client_id"],
            "aud": platform["issuer"],
            "iat": now,
            "exp": now + RESPONSE_LIFETIME_S,
            "nonce": secrets.token_urlsafe(16),
            c.DEPLOYMENT_ID: link["deployment_id"],
            c.MESSAGE_TYPE: c.DEEP_LINKING_RESPONSE,
            c.VERSION: c.LTI_VERSION,
            c.DL_CONTENT_ITEMS: items,
            c.DL_MSG: f"Added {len(items)} item{'s' if len(items) != 1 else ''} from the tutor",
        }
        if link.get("data") is not None:
            claims[c.DL_DATA] = link["data"]
        return {"return_url": link["return_url"], "jwt": self.keys.get().sign(claims)}

    async def _item(
        self, principal: Principal, course_id: str, lesson_id: str | None, line_items: bool
    ) -> dict[str, Any]:
        course = await self.courses.get(course_id)
        if course is None or not is_live(course) or course.get("instructor_id") != principal.user_id:
            raise NotFound(f"you teach no course {course_id!r}")
        title = str(course.get("title") or course_id)
        custom = {"tutor_course_id": course_id}
        if lesson_id is not None:
            lessons = {
                lesson["id"]: lesson for module in course.get("modules", []) for lesson in module.get("lessons", [])
            }
            if lesson_id not in lessons:
                raise NotFound(f"course {course_id!r} has no lesson {lesson_id!r}")
            title = f"{title}: {lessons[lesson_id].get('title') or lesson_id}"
            custom["tutor_lesson_id"] = lesson_id
        item: dict[str, Any] = {"type": "ltiResourceLink", "title": title, "url": self.launch_url, "custom": custom}
        if line_items:
            resource = f"{course_id}/{lesson_id}" if lesson_id else course_id
            item["lineItem"] = {"scoreMaximum": SCORE_MAXIMUM, "label": title, "resourceId": resource}
        return item
