"""Storage of original uploaded files: S3 when a bucket is configured, else a local folder."""

from __future__ import annotations

from pathlib import Path

from ingest.storage.base import FileStorage, course_prefix, material_key, material_prefix, safe_filename
from ingest.storage.local import LocalFileStorage


def build_storage(
    *,
    bucket: str | None,
    local_root: str | Path,
    endpoint_url: str | None = None,
    region: str | None = None,
) -> FileStorage:
    """S3 storage when ``bucket`` is set, else a folder at ``local_root``.

    Args:
        bucket: S3 bucket (``S3_BUCKET``); empty/None selects local storage.
        local_root: Folder for local storage (e.g. ``var/files``).
        endpoint_url: S3-compatible endpoint (MinIO).
        region: S3 region.
    """
    if bucket:
        from ingest.storage.s3 import S3FileStorage  # boto3 import is slow; only pay for it when used

        return S3FileStorage(bucket, endpoint_url=endpoint_url, region=region)
    return LocalFileStorage(local_root)


__all__ = [
    "FileStorage",
    "LocalFileStorage",
    "build_storage",
    "course_prefix",
    "material_key",
    "material_prefix",
    "safe_filename",
]
