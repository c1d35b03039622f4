"""The file storage interface for original uploads, and the key layout."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from pathlib import PurePosixPath, PureWindowsPath

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
_ID = re.compile(r"^[A-Za-z0-9._-]+$")


class FileStorage(ABC):
    """A flat key -> bytes store (S3 or a local folder). Keys use ``/`` separators."""

    @abstractmethod
    def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        """Store ``data`` under ``key``, replacing any previous object."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """Bytes stored under ``key``.

        Raises:
            FileNotFoundError: Nothing is stored under ``key``.
        """

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""

    @abstractmethod
    def list_keys(self, prefix: str) -> list[str]:
        """Every key starting with ``prefix``, sorted."""

    def delete_prefix(self, prefix: str) -> int:
        """Remove every key starting with ``prefix``; returns how many were removed."""
        keys = self.list_keys(prefix)
        for key in keys:
            self.delete(key)
        return len(keys)

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether something is stored under ``key``."""


def safe_filename(filename: str) -> str:
    """The last path component of an uploaded name, stripped of separators and control characters."""
    name = PureWindowsPath(PurePosixPath(filename).name).name
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    return name or "file"


def course_prefix(course_id: str) -> str:
    """Key prefix of everything stored for one course (ends with ``/``)."""
    if not _ID.match(course_id) or course_id in (".", ".."):
        raise ValueError(f"unsafe id for a storage key: {course_id!r}")
    return f"courses/{course_id}/"


def material_prefix(course_id: str, document_id: str) -> str:
    """Key prefix of everything stored for one document (ends with ``/``)."""
    for value in (course_id, document_id):
        if not _ID.match(value) or value in (".", ".."):
            raise ValueError(f"unsafe id for a storage key: {value!r}")
    return f"courses/{course_id}/materials/{document_id}/"


def material_key(course_id: str, document_id: str, filename: str) -> str:
    """Storage key of an uploaded file: ``courses/{course_id}/materials/{document_id}/{filename}``."""
    return material_prefix(course_id, document_id) + safe_filename(filename)
