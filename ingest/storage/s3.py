"""File storage in an S3 bucket via boto3 (AWS, or MinIO through ``endpoint_url``)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError

from ingest.storage.base import FileStorage

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


class S3FileStorage(FileStorage):
    """Stores each key as an object in ``bucket``. Credentials come from boto3's usual chain."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        client: Any | None = None,
        page_size: int = 1000,
    ) -> None:
        """Create a client (or use ``client``) for ``bucket``.

        Args:
            bucket: Bucket name (must exist).
            endpoint_url: S3-compatible endpoint, e.g. MinIO's; None for AWS.
            region: Region name; None for boto3's default.
            client: A ready boto3 S3 client (tests, custom sessions).
            page_size: Keys per list/delete request (S3 allows at most 1,000).
        """
        self.bucket = bucket
        self.page_size = min(page_size, 1000)
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        """Upload ``data`` as one object."""
        extra = {"ContentType": content_type} if content_type else {}
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, **extra)

    def get(self, key: str) -> bytes:
        """Download an object."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(key) from None
            raise
        body: bytes = response["Body"].read()
        return body

    def delete(self, key: str) -> None:
        """Delete an object (S3 treats a missing key as success)."""
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def list_keys(self, prefix: str) -> list[str]:
        """Keys under ``prefix`` (paginated listing)."""
        keys: list[str] = []
        for page in self._pages(prefix):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(keys)

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under ``prefix``, one request per listed page."""
        removed = 0
        for page in self._pages(prefix):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
                removed += len(keys)
        return removed

    def _pages(self, prefix: str) -> Any:
        paginator = self.client.get_paginator("list_objects_v2")
        config = {"PageSize": self.page_size}
        return paginator.paginate(Bucket=self.bucket, Prefix=prefix, PaginationConfig=config)

    def exists(self, key: str) -> bool:
        """HEAD the object."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True
