"""Security headers added to every HTTP response (API, web app and OpenAPI docs).

The web app is static files with ES modules and one stylesheet, so its policy allows no inline script or
style and nothing from other origins. The interactive OpenAPI pages under ``/schema`` are Litestar's:
they load their renderer from a CDN and start it with an inline script, so they get their own policy;
the schema documents themselves (``/schema/openapi.json``...) get the strict one.
"""

from __future__ import annotations

APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_DOCS_CDNS = "https://cdn.jsdelivr.net https://cdn.redoc.ly https://unpkg.com"
DOCS_CSP = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {_DOCS_CDNS}; "
    f"style-src 'self' 'unsafe-inline' {_DOCS_CDNS} https://fonts.googleapis.com; "
    f"font-src 'self' data: https://fonts.gstatic.com; img-src 'self' data: {_DOCS_CDNS}; worker-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_SCHEMA_DOCUMENTS = (".json", ".yaml", ".yml")


# The pages an LMS frames. Their handlers set a policy that lets the registered platforms frame them (see
# ``api.controllers.lti``), which the strict one added here only stands in for where a handler set none.
FRAMED_PATHS = frozenset({"/lti/login/", "/lti/launch/", "/lti/app/"})


def security_headers(path: str) -> tuple[tuple[bytes, bytes], ...]:
    """The security headers of a response to ``path`` (each added only where the response has none)."""
    csp = (b"content-security-policy", _csp_for(path).encode())
    if path in FRAMED_PATHS:
        return (csp, *(header for header in _COMMON if header[0] != b"x-frame-options"))
    return (csp, *_COMMON)


def _csp_for(path: str) -> str:
    is_docs_page = (path == "/schema" or path.startswith("/schema/")) and not path.endswith(_SCHEMA_DOCUMENTS)
    return DOCS_CSP if is_docs_page else APP_CSP
