"""A generated secret kept in a file readable by its owner only, created atomically.

The file is never visible with a looser mode or half-written: the secret goes into a temporary file
that is *created* with mode 0600 (``O_CREAT | O_EXCL``, so nothing else can have opened it), flushed,
then hard-linked to its final name. ``link`` fails when the name exists, so of two processes starting
at once (the API and a worker) exactly one secret wins and both use it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
from pathlib import Path

log = logging.getLogger(__name__)

SECRET_MODE = 0o600


class SecretFileError(RuntimeError):
    """The secret file exists but cannot be used (empty or unreadable)."""


def read_or_create_secret(path: Path, nbytes: int = 48) -> str:
    """The secret stored at ``path``, generating it (``nbytes`` random bytes, URL-safe) on first use.

    Args:
        path: File holding the secret.
        nbytes: Entropy of a new secret in bytes.

    Raises:
        SecretFileError: The file exists but holds no secret.
    """
    existing = _read(path)
    if existing is not None:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True)
    _create(path, secrets.token_urlsafe(nbytes))
    created = _read(path)
    if created is None:  # pragma: no cover - deleted between link and read
        raise SecretFileError(f"{path} vanished right after it was created")
    return created


def _read(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):  # e.g. made by an older version, or copied without modes
        log.warning("%s was readable by others; restricting it to its owner", path)
        path.chmod(SECRET_MODE)
    secret = path.read_text().strip()
    if not secret:
        raise SecretFileError(f"{path} is empty; delete it to generate a new secret")
    return secret


def _create(path: Path, secret: str) -> None:
    """Write ``secret`` to ``path`` unless it exists, never exposing it with a looser mode."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(temp, flags, SECRET_MODE)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
            os.link(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
