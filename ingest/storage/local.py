"""File storage in a local folder (the embedded default, under ``var/``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ingest.storage.base import FileStorage


class LocalFileStorage(FileStorage):
    """Stores each key as a file below ``root``; writes are atomic (temp file + rename)."""

    def __init__(self, root: str | Path) -> None:
        """Use (and create) the folder ``root``."""
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        # A key must never escape the root ("../", absolute paths).
        if path == self.root or self.root not in path.parents:
            raise ValueError(f"invalid storage key: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        """Write ``data`` to ``root/key`` atomically (the content type is not kept locally)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """Read ``root/key``."""
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path.read_bytes()

    def delete(self, key: str) -> None:
        """Delete ``root/key`` if present, then prune empty parent folders."""
        path = self._path(key)
        path.unlink(missing_ok=True)
        self._prune(path.parent)

    def list_keys(self, prefix: str) -> list[str]:
        """Keys of the files below ``root`` that start with ``prefix`` (temp files excluded)."""
        # Walk only the deepest folder the prefix names, not the whole tree.
        folder = self.root / prefix.rsplit("/", 1)[0] if "/" in prefix else self.root
        if not folder.is_dir() or (folder != self.root and self.root not in folder.resolve().parents):
            return []
        keys = (path.relative_to(self.root).as_posix() for path in folder.rglob("*") if path.is_file())
        return sorted(key for key in keys if key.startswith(prefix) and ".upload-" not in key)

    def exists(self, key: str) -> bool:
        """Whether ``root/key`` is a file."""
        return self._path(key).is_file()

    def _prune(self, folder: Path) -> None:
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent
