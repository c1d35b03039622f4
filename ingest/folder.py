"""Collect the ingestible files of a folder (for ``tutor ingest PATH --course ID``)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from ingest.detect import EXTENSIONS

log = logging.getLogger(__name__)


def collect_folder(path: str | Path, on_skip: Callable[[str, str], None] | None = None) -> list[tuple[str, bytes]]:
    """Read every file with a supported extension below ``path``, in sorted order.

    Hidden files and folders (``.git``, ``.DS_Store``) are ignored silently; other unsupported files
    are skipped and reported. A single file may be given instead of a folder.

    Args:
        path: Folder (or file) to scan.
        on_skip: Called with (relative path, reason) for each skipped file; defaults to a log line.

    Returns:
        (path relative to ``path`` with ``/`` separators, file bytes) pairs.

    Raises:
        FileNotFoundError: ``path`` does not exist.
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(str(root))
    skip = on_skip or (lambda name, reason: log.info("skipping %s: %s", name, reason))
    if root.is_file():
        candidates, base = [root], root.parent
    else:
        candidates, base = sorted(p for p in root.rglob("*") if p.is_file()), root
    collected: list[tuple[str, bytes]] = []
    for file in candidates:
        relative = file.relative_to(base).as_posix()
        if any(part.startswith(".") or part == "__pycache__" for part in relative.split("/")):
            continue
        if file.suffix.lower() not in EXTENSIONS:
            skip(relative, f"unsupported file type '{file.suffix or '(none)'}'")
            continue
        collected.append((relative, file.read_bytes()))
    return collected


def stable_document_id(course_id: str, relative_path: str) -> str:
    """A document id derived from the course and the file's relative path, so re-ingesting a folder
    replaces (rather than duplicates) each file's material."""
    return hashlib.sha256(f"{course_id}\n{relative_path}".encode()).hexdigest()[:24]
