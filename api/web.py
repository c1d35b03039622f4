"""The web app: static files from ``web/`` served at ``/`` (no build step, nothing but Python to run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Router
from litestar.file_system import BaseLocalFileSystem
from litestar.static_files import create_static_files_router
from litestar.types import PathType
from litestar.types.file_types import FileInfo

import web

WEB_DIR = Path(web.__file__).resolve().parent  # package data, so a wheel install serves it too


class WebFileSystem(BaseLocalFileSystem):
    """The local file system, where a path no file can have is simply not found.

    Litestar's static files treat only ``FileNotFoundError`` as "no such file"; a NUL byte
    (``ValueError``), a name too long for the OS, or a file used as a directory (``/app.js/x``) would
    otherwise end as a 500.
    """

    async def info(self, path: PathType, **kwargs: Any) -> FileInfo:
        """File information, or ``FileNotFoundError`` for anything that cannot name a file."""
        if Path(str(path)).suffix in {".py", ".pyc"} or "__pycache__" in str(path):
            raise FileNotFoundError(str(path))  # the package's own module, not part of the web app
        try:
            return await super().info(path, **kwargs)
        except (ValueError, OSError) as exc:  # FileNotFoundError included: same answer
            raise FileNotFoundError(str(path)) from exc


def web_router() -> Router:
    """``/`` serves ``web/index.html``; other files by path (``/app.js``, ``/styles.css``...)."""
    return create_static_files_router(
        path="/", directories=[WEB_DIR], html_mode=True, name="web", file_system=WebFileSystem()
    )
