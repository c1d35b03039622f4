"""LTI 1.3 claim names, message types and roles (IMS LTI Core 1.3, Deep Linking 2.0, AGS 2.0, NRPS 2.0)."""

from __future__ import annotations

from collections.abc import Iterable

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DL_CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
DL_MSG = "https://purl.imsglobal.org/spec/lti-dl/claim/msg"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)
LTI_VERSION = "1.3.0"

SCOPE_LINE_ITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

# Principal context roles (LIS v2 vocabulary, short names, LIS v1 URNs) that make the LMS user an
# instructor of the linked course. Institution and system roles (``.../institution/person#Instructor``,
# ``urn:lti:instrole:...``) say nothing about this course and never count.
_TEACHING = frozenset({"Instructor", "ContentDeveloper", "Administrator", "TeachingAssistant"})
_MEMBERSHIP = "purl.imsglobal.org/vocab/lis/v2/membership"
_LIS_V1 = "urn:lti:role:ims/lis/"


def context_role(role: str) -> str | None:
    """The principal context role that ``role`` names, or None when it is not a context role.

    ``.../membership#Instructor`` → ``Instructor``; a sub-role ``.../membership/Learner#Instructor`` →
    ``Learner`` (a kind of learner); ``urn:lti:role:ims/lis/Instructor/TeachingAssistant`` →
    ``Instructor``; a bare ``Instructor`` (LTI 1.3 allows short context role names) → ``Instructor``.
    """
    role = role.strip()
    bare = role.split("://", 1)[-1]
    if bare.startswith(_MEMBERSHIP + "#"):
        return bare[len(_MEMBERSHIP) + 1 :] or None
    if bare.startswith(_MEMBERSHIP + "/"):
        return bare[len(_MEMBERSHIP) + 1 :].split("#", 1)[0] or None
    if role.startswith(_LIS_V1):
        return role[len(_LIS_V1) :].split("/", 1)[0] or None
    if role and not any(ch in role for ch in ":/#"):
        return role
    return None


def teaches(roles: Iterable[str]) -> bool:
    """Whether LTI ``roles`` include a teaching role in the launch's context (see :func:`context_role`)."""
    return any(context_role(role) in _TEACHING for role in roles if isinstance(role, str))
