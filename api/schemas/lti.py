"""LTI: the tool's key set, the launch-code exchange and LMS contexts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta, Struct
from pydantic import Field, StringConstraints

from api.schemas.users import UserOut
from tutor.schemas.common import Identifier, StrictModel


class JwkOut(Struct, kw_only=True):
    """One RSA public key (RFC 7517)."""

    kty: str
    n: str
    e: str
    kid: str
    alg: str
    use: str


class JwksOut(Struct, kw_only=True):
    """The tool's public keys, the signing key first."""

    keys: list[JwkOut]


class LaunchCodeIn(StrictModel):
    """``POST /api/auth/lti/exchange/`` body: the code the launch handed the web app."""

    code: Annotated[str, StringConstraints(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


class LtiTokensOut(Struct, kw_only=True):
    """A session's tokens, as from a login, and the page of the web app the launch opens."""

    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: UserOut
    target: str


class ContextLinkIn(StrictModel):
    """``PUT /api/lti/contexts/{key}/`` body: the course the LMS context opens."""

    course_id: Identifier


class ContextOut(Struct, kw_only=True):
    """An LMS course (context) an instructor launched from, and the course it opens here."""

    key: str
    context_id: str
    title: str | None
    course_id: str | None


Text = Annotated[str, Meta(min_length=1, max_length=2048)]
Token = Annotated[str, Meta(min_length=1, max_length=65536)]


class LoginForm(Struct, kw_only=True):
    """``POST /lti/login/``: the platform's third-party login initiation (IMS Security Framework 5.1.1.1)."""

    iss: Text
    login_hint: Text
    target_link_uri: Text
    client_id: str | None = None
    lti_message_hint: str | None = None
    lti_deployment_id: str | None = None


class LaunchForm(Struct, kw_only=True):
    """``POST /lti/launch/``: what the platform's authorization endpoint form-posts back."""

    id_token: Token
    state: Text


class DeepLinkChoice(StrictModel):
    """One course (or one lesson of it) to add to the LMS course."""

    course_id: Identifier
    lesson_id: Identifier | None = None


class DeepLinkIn(StrictModel):
    """``POST /api/lti/deep-links/{id}/`` body: what the instructor picked."""

    items: list[DeepLinkChoice] = Field(min_length=1, max_length=50)


class DeepLinkOut(Struct, kw_only=True):
    """A pending deep-linking request: may several items be chosen, will the LMS get gradebook columns."""

    id: str
    accept_multiple: bool
    line_items: bool


class DeepLinkAnswerOut(Struct, kw_only=True):
    """The signed response: the browser form-posts ``jwt`` (as ``JWT``) to ``return_url``."""

    return_url: str
    jwt: str


class GradeLinkOut(Struct, kw_only=True):
    """One launched student's gradebook link and how its last passback went."""

    user_id: str
    lesson_id: str | None
    state: str
    score_given: float | None
    score_maximum: int | None
    last_error: str | None
    attempts: int
    sent_at: datetime | None


class RosterSyncOut(Struct, kw_only=True):
    """What a roster sync changed."""

    members: int
    accounts_created: int
    enrolled: int
    unenrolled: int
