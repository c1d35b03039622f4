"""LTI 1.3 tool endpoints: ``/lti/jwks/``, ``/lti/login/``, ``/lti/launch/``, the app page an LMS frames,
and ``/api/auth/lti/exchange/`` where the web app trades a launch's one-time code for tokens.

The ``/lti/`` pages answer HTML (a browser inside the LMS reads them), errors included: a launch
that fails validation gets a 4xx page saying what was wrong. Only these pages may be framed, and
only by the registered platforms (see :func:`frame_policy`).
"""

from __future__ import annotations

import html
from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post, put
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect

from api.errors import STATUS
from api.params import PathId
from api.schemas.convert import typed
from api.schemas.lti import (
    ContextLinkIn,
    ContextOut,
    DeepLinkAnswerOut,
    DeepLinkIn,
    DeepLinkOut,
    GradeLinkOut,
    JwksOut,
    LaunchCodeIn,
    LaunchForm,
    LoginForm,
    LtiTokensOut,
    RosterSyncOut,
)
from api.security_headers import APP_CSP
from api.web import WEB_DIR
from tutor.container import Services
from tutor.errors import DomainError
from tutor.services.lti_platforms import frame_origins
from tutor.services.principal import Principal

STATE_COOKIE = "lti1p3_state"
QueryText = Annotated[str, Parameter(min_length=1, max_length=2048)]
OptionalText = Annotated[str | None, Parameter(min_length=1, max_length=2048)]


async def frame_policy(services: Services) -> str:
    """The app's policy, except that the registered platforms' sites may frame the page and receive its forms
    (the deep-linking answer is a form posted back to the LMS)."""
    platforms = await services.lti_platforms.platforms.all()
    origins = " ".join(sorted({o for p in platforms for o in frame_origins(p)}))
    return APP_CSP.replace("frame-ancestors 'none'", f"frame-ancestors 'self' {origins}".rstrip()).replace(
        "form-action 'self'", f"form-action 'self' {origins}".rstrip()
    )


def _page(status: int, title: str, message: str, csp: str) -> Response[str]:
    body = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>"
        f"{html.escape(title)}</title><link rel=stylesheet href=/css/app.css></head><body><main class=lti-error>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></main></body></html>"
    )
    return Response(body, status_code=status, media_type=MediaType.HTML, headers={"Content-Security-Policy": csp})


class LtiController(Controller):
    """The tool side of LTI 1.3."""

    path = "/lti"
    tags = ["lti"]

    @get("/jwks/", summary="The tool's public keys (JWKS)", security=[])
    async def jwks(self, services: Services) -> JwksOut:
        """Platforms verify what the tool signs with these keys (the current one first)."""
        return typed(services.tool_keys.get().jwks(), JwksOut)

    @get("/login/", summary="OIDC login initiation (GET)", security=[], status_code=302)
    async def login_get(
        self,
        services: Services,
        iss: QueryText,
        login_hint: QueryText,
        target_link_uri: QueryText,
        client_id: OptionalText = None,
        lti_message_hint: OptionalText = None,
        lti_deployment_id: OptionalText = None,
    ) -> Response[Any]:
        """Redirects to the platform's authorization endpoint with a single-use state and nonce."""
        form = LoginForm(
            iss=iss, login_hint=login_hint, target_link_uri=target_link_uri, client_id=client_id,
            lti_message_hint=lti_message_hint, lti_deployment_id=lti_deployment_id,
        )  # fmt: skip
        return await self._login(services, form)

    @post("/login/", summary="OIDC login initiation (POST)", security=[], status_code=302)
    async def login_post(
        self,
        services: Services,
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        """As the GET, with the parameters in a form."""
        return await self._login(services, data)

    async def _login(self, services: Services, form: LoginForm) -> Response[Any]:
        csp = await frame_policy(services)
        params = {k: v for k, v in msgspec.structs.asdict(form).items() if v is not None}
        try:
            redirect = await services.lti.login(params)
        except DomainError as exc:
            return _page(_status(exc), "This LMS launch cannot start", exc.message, csp)
        response: Response[Any] = Redirect(redirect.url, status_code=302)
        # Bound to the browser where it keeps third-party cookies; the server-side state is checked regardless.
        # Inside an LMS frame the cookie is third-party, so it must be SameSite=None, which needs Secure: both
        # follow the tool's public URL (behind a TLS proxy the request itself may look like plain http).
        secure = services.settings.base_url.startswith("https://")
        response.set_cookie(
            STATE_COOKIE, redirect.state, max_age=600, httponly=True, secure=secure,
            samesite="none" if secure else "lax", path="/lti/",
        )  # fmt: skip
        return response

    @post("/launch/", summary="LTI launch (id_token form post)", security=[], status_code=303)
    async def launch(
        self,
        request: Request[Any, Any, Any],
        services: Services,
        data: Annotated[LaunchForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        """Validates the launch, then opens the web app with a one-time code (never a token) in its fragment."""
        csp = await frame_policy(services)
        try:
            launched = await services.lti.launch(data.id_token, data.state, request.cookies.get(STATE_COOKIE))
        except DomainError as exc:
            return _page(_status(exc), "This LMS launch was refused", exc.message, csp)
        response: Response[Any] = Redirect(f"/lti/app/#/lti/{launched.code}", status_code=303)
        response.delete_cookie(STATE_COOKIE, path="/lti/")
        return response

    @get("/app/", summary="The web app, for an LMS frame", media_type=MediaType.HTML, include_in_schema=False)
    async def app_page(self, services: Services) -> Response[bytes]:
        """The web app's page, which the registered platforms (only) may frame."""
        body = (WEB_DIR / "index.html").read_bytes()
        csp = await frame_policy(services)
        return Response(body, media_type=MediaType.HTML, headers={"Content-Security-Policy": csp})


class LtiApiController(Controller):
    """What the web app calls after a launch."""

    path = "/api"
    tags = ["lti"]

    @post("/auth/lti/exchange/", summary="Exchange a launch code for tokens", security=[], status_code=200)
    async def exchange(self, data: LaunchCodeIn, services: Services) -> LtiTokensOut:
        """The code a launch handed the web app, valid once for 60 s, for the usual tokens and where to open."""
        return typed(await services.lti.exchange(data.code), LtiTokensOut)

    @get("/lti/contexts/{context_key:str}/", summary="An LMS context of mine")
    async def context(self, context_key: PathId, services: Services, principal: Principal) -> ContextOut:
        """The LMS course an instructor launched from, and the course it is linked to (if any)."""
        return typed(await services.lti.context_of(principal, context_key), ContextOut)

    @put("/lti/contexts/{context_key:str}/", summary="Link an LMS context to one of my courses")
    async def link(
        self, context_key: PathId, data: ContextLinkIn, services: Services, principal: Principal
    ) -> ContextOut:
        """Later launches from that LMS course open the linked course (students are enrolled in it)."""
        return typed(await services.lti.link_context(principal, context_key, data.course_id), ContextOut)

    @post("/lti/contexts/{context_key:str}/roster-sync/", summary="Sync the roster from the LMS", status_code=200)
    async def roster_sync(self, context_key: PathId, services: Services, principal: Principal) -> RosterSyncOut:
        """Reads the LMS course's members (every page): accounts made, active learners enrolled, inactive ones
        unenrolled (their progress kept)."""
        return typed(await services.lti.roster.sync(principal, context_key), RosterSyncOut)

    @get("/lti/deep-links/{link_id:str}/", summary="A pending deep-linking request of mine")
    async def deep_link(self, link_id: PathId, services: Services, principal: Principal) -> DeepLinkOut:
        """The request an LMS deep-linking launch opened (the picker reads it)."""
        return typed(await services.lti.deep_linking.pending(principal, link_id), DeepLinkOut)

    @post("/lti/deep-links/{link_id:str}/", summary="Answer a deep-linking request", status_code=200)
    async def answer_deep_link(
        self, link_id: PathId, data: DeepLinkIn, services: Services, principal: Principal
    ) -> DeepLinkAnswerOut:
        """Signs the ``LtiDeepLinkingResponse`` for the chosen courses or lessons (the request is then used up)."""
        choices = [(item.course_id, item.lesson_id) for item in data.items]
        return typed(await services.lti.deep_linking.answer(principal, link_id, choices), DeepLinkAnswerOut)

    @get("/lti/grades/{course_id:str}/", summary="Grade passback to the LMS, per launched student")
    async def grades(self, course_id: PathId, services: Services, principal: Principal) -> list[GradeLinkOut]:
        """For the course's instructor: each student's gradebook link, last score sent, and any failure."""
        return typed(await services.lti.grades.overview(principal, course_id), list[GradeLinkOut])


def _status(exc: DomainError) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
