"""An LMS platform on loopback for the LTI tests: JWKS, OIDC authorization, token, scores, memberships.

It plays the platform's side as the IMS specifications describe it: the authorization endpoint
checks the tool's ``redirect_uri`` and answers the ``id_token`` it would form-post (as JSON, so the
test can post it itself and tamper with it); the token endpoint takes a client-credentials grant
whose client assertion must be signed by a key of the tool's JWKS.
"""

from __future__ import annotations

import html
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
from litestar import Litestar, Request, Response, get, post
from litestar.exceptions import HTTPException

from tests.servers import serve
from tutor.lti import claims as c
from tutor.lti.keys import ToolKeys, generate_pem, public_jwk

_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@dataclass
class LmsUser:
    """A person of the LMS course."""

    sub: str
    name: str
    email: str
    role: str  # "Learner" or "Instructor" (a context role of the LIS vocabulary), or a full role URI


@dataclass
class FakePlatform:
    """The platform's registration data, keys and what it received."""

    client_id: str = field(default_factory=lambda: f"client-{uuid.uuid4().hex[:8]}")
    deployment_id: str = "deployment-1"
    context_id: str = field(default_factory=lambda: f"ctx-{uuid.uuid4().hex[:6]}")
    url: str = ""  # set once served
    tool_launch_url: str = ""
    tool_jwks_url: str = ""
    keys: ToolKeys = field(default_factory=lambda: ToolKeys(generate_pem()))
    users: dict[str, LmsUser] = field(default_factory=dict)
    custom: dict[str, str] = field(default_factory=dict)
    scores: list[dict[str, Any]] = field(default_factory=list)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    issued: set[str] = field(default_factory=set)
    failing_scores: int = 0  # answer this many score posts with 503 first
    members: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    tool_url: str = ""  # where the tool really listens (browser tests: its settings name another port)
    deep_link_responses: list[str] = field(default_factory=list)
    deep_link_settings: dict[str, Any] = field(default_factory=lambda: {"accept_multiple": True})

    @property
    def issuer(self) -> str:
        return self.url

    def claims(self, user: LmsUser, nonce: str, **overrides: Any) -> dict[str, Any]:
        """The claims of a resource-link launch of ``user``."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "sub": user.sub,
            "aud": self.client_id,
            "azp": self.client_id,
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "name": user.name,
            "email": user.email,
            c.DEPLOYMENT_ID: self.deployment_id,
            c.MESSAGE_TYPE: c.RESOURCE_LINK_REQUEST,
            c.VERSION: c.LTI_VERSION,
            c.TARGET_LINK_URI: self.tool_launch_url,
            c.RESOURCE_LINK: {"id": "link-1", "title": "Tutor"},
            c.ROLES: [user.role if "://" in user.role else _ROLE + user.role],
            c.CONTEXT: {"id": self.context_id, "title": "Intro to Programming (LMS)", "label": "CS101"},
            c.AGS_ENDPOINT: {
                "scope": [c.SCOPE_LINE_ITEM, c.SCOPE_SCORE],
                "lineitem": f"{self.url}/lineitems/1",
                "lineitems": f"{self.url}/lineitems",
            },
            c.NRPS: {"context_memberships_url": f"{self.url}/memberships", "service_versions": ["2.0"]},
        }
        if self.custom:
            body[c.CUSTOM] = dict(self.custom)
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not None}

    def deep_linking(self, claims: dict[str, Any]) -> dict[str, Any]:
        """``claims`` turned into a deep-linking request (the instructor adds content from the tool)."""
        body = {k: v for k, v in claims.items() if k not in (c.RESOURCE_LINK, c.CUSTOM)}
        body[c.MESSAGE_TYPE] = c.DEEP_LINKING_REQUEST
        body[c.DEEP_LINKING_SETTINGS] = {
            "deep_link_return_url": f"{self.url}/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "data": "opaque-platform-data",
            **self.deep_link_settings,
        }
        return body

    def sign(self, claims: dict[str, Any], keys: ToolKeys | None = None, kid: str | None = None) -> str:
        """``claims`` signed by the platform's key (or ``keys``), with ``kid`` in the header if given."""
        signer = keys or self.keys
        return jwt.encode(claims, signer.private_pem, algorithm="RS256", headers={"kid": kid or signer.kid})

    def app(self) -> Litestar:
        """The platform's HTTP endpoints."""
        platform = self

        @get("/jwks", sync_to_thread=False)
        def jwks() -> dict[str, Any]:
            return platform.keys.jwks()

        @get("/course", sync_to_thread=False, media_type="text/html")
        def course(hint: str = "u-ada", message: str = "") -> str:
            """The LMS course page: the tool in an iframe, launched for the user ``hint``."""
            query = urlencode({
                "iss": platform.issuer, "login_hint": hint, "target_link_uri": platform.tool_launch_url,
                "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id,
                **({"lti_message_hint": message} if message else {}),
            })  # fmt: skip
            frame = f'<iframe title="Tutor" src="{platform.tool_url}/lti/login/?{html.escape(query)}"'
            return f'<!doctype html><link rel="icon" href="data:,"><title>LMS course</title><h1>LMS course</h1>{frame} width="1000" height="700">'

        @get("/auth", sync_to_thread=False)
        def authorize(request: Request[Any, Any, Any]) -> Any:
            query = request.query_params
            expected = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none"}
            for name, value in expected.items():
                if query.get(name) != value:
                    raise HTTPException(status_code=400, detail=f"{name} must be {value}")
            if query.get("client_id") != platform.client_id or query.get("redirect_uri") != platform.tool_launch_url:
                raise HTTPException(status_code=400, detail="unknown client or redirect_uri")
            user = platform.users.get(str(query.get("login_hint")))
            if user is None or not query.get("nonce") or not query.get("state"):
                raise HTTPException(status_code=400, detail="unknown login_hint, or no nonce/state")
            claims = platform.claims(user, str(query["nonce"]))
            if query.get("lti_message_hint") == "deep-link":
                claims = platform.deep_linking(claims)
            token = platform.sign(claims)
            if "text/html" not in request.headers.get("accept", ""):
                return {"action": query["redirect_uri"], "id_token": token, "state": query["state"]}
            # A browser: the auto-submitting form a platform answers with (response_mode=form_post).
            action = platform.tool_url + urlsplit(str(query["redirect_uri"])).path
            fields = "".join(
                f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                for name, value in (("id_token", token), ("state", str(query["state"])))
            )
            page = f'<form id="f" method="post" action="{action}">{fields}</form><script>f.submit()</script>'
            return Response(page, media_type="text/html")

        @post("/deep-link-return", status_code=200, media_type="text/html")
        async def deep_link_return(request: Request[Any, Any, Any]) -> str:
            form = dict(await request.form())
            platform.deep_link_responses.append(str(form.get("JWT", "")))
            return '<!doctype html><link rel="icon" href="data:,"><title>LMS</title><h1>Content added</h1>'

        @post("/token", status_code=200)
        async def token(request: Request[Any, Any, Any]) -> dict[str, Any]:
            form = dict(await request.form())
            platform.token_requests.append(form)
            if form.get("grant_type") != "client_credentials":
                raise HTTPException(status_code=400, detail="unsupported grant")
            assertion = str(form.get("client_assertion", ""))
            async with httpx.AsyncClient() as http:
                keys = (await http.get(platform.tool_jwks_url)).json()["keys"]
            kid = jwt.get_unverified_header(assertion).get("kid")
            key = next((jwt.PyJWK(k) for k in keys if k["kid"] == kid), None)
            if key is None:
                raise HTTPException(status_code=401, detail="unknown tool key")
            claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=f"{platform.url}/token")
            if claims.get("iss") != platform.client_id or claims.get("sub") != platform.client_id:
                raise HTTPException(status_code=401, detail="the assertion is not the tool's")
            access = uuid.uuid4().hex
            platform.issued.add(access)
            return {"access_token": access, "token_type": "Bearer", "expires_in": 3600, "scope": form.get("scope", "")}

        @post("/lineitems/{item:str}/scores", status_code=200)
        async def score(request: Request[Any, Any, Any], item: str) -> dict[str, Any]:
            if request.headers.get("authorization", "").removeprefix("Bearer ") not in platform.issued:
                raise HTTPException(status_code=401, detail="no valid access token")
            if platform.failing_scores > 0:
                platform.failing_scores -= 1
                raise HTTPException(status_code=503, detail="gradebook unavailable")
            body = await request.json()
            platform.scores.append({"item": item, "content_type": request.headers.get("content-type"), **body})
            return {}

        @get("/memberships")
        async def memberships(request: Request[Any, Any, Any], page: int = 0) -> Response[dict[str, Any]]:
            if request.headers.get("authorization", "").removeprefix("Bearer ") not in platform.issued:
                raise HTTPException(status_code=401, detail="no valid access token")
            start = page * platform.page_size
            body = {
                "id": f"{platform.url}/memberships",
                "context": {"id": platform.context_id, "title": "Intro to Programming (LMS)"},
                "members": platform.members[start : start + platform.page_size],
            }
            headers = {}
            if start + platform.page_size < len(platform.members):
                headers["Link"] = f'<{platform.url}/memberships?page={page + 1}>; rel="next"'
            return Response(
                body, headers=headers, media_type="application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
            )

        return Litestar([course, jwks, authorize, deep_link_return, token, score, memberships])


@contextmanager
def served_platform(prefix: str, tool_launch_url: str, **fields: Any) -> Iterator[FakePlatform]:
    """A platform on loopback with a learner ``u-ada`` and an instructor ``u-tom`` (``prefix`` keeps their
    LMS ids and e-mails apart from other tests' users)."""
    fake = FakePlatform(tool_launch_url=tool_launch_url, **fields)
    fake.users = {
        "u-ada": LmsUser(f"{prefix}ada", "Ada Learner", f"{prefix}ada@lms.example", "Learner"),
        "u-tom": LmsUser(f"{prefix}tom", "Tom Teacher", f"{prefix}tom@lms.example", "Instructor"),
    }
    with serve(fake.app()) as server:
        fake.url = server.url
        yield fake


def public_key_of(keys: ToolKeys) -> dict[str, str]:
    """The JWK of a key pair (for JWKS documents built by hand)."""
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_pem_private_key(keys.private_pem.encode(), password=None)
    return public_jwk(private.public_key())  # type: ignore[arg-type]
