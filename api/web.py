"""The web app: static files from ``web/`` served at ``/`` (no build step, nothing but Python to run)."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.static_files import create_static_files_router

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def web_router() -> Router:
    """``/`` serves ``web/index.html``; other files by path (``/app.js``, ``/styles.css``...)."""
    return create_static_files_router(path="/", directories=[WEB_DIR], html_mode=True, name="web")
