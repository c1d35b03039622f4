"""S3 storage through boto3 against a real ``moto_server`` on loopback, and the pipeline on top of it."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from ingest.pipeline import IngestPipeline, SourceFile
from ingest.storage.s3 import S3FileStorage
from tests.fakes.moto import moto_server
from tests.unit._ingest_fakes import FakeRetrieval

BUCKET = "course-materials"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def storage(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> S3FileStorage:
    # Dummy credentials through the usual boto3 chain (environment), as production would use.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if BUCKET not in existing:
        client.create_bucket(Bucket=BUCKET)
    return S3FileStorage(BUCKET, endpoint_url=moto_url, region="us-east-1")


def test_s3_round_trip(storage: S3FileStorage) -> None:
    key = "courses/c1/materials/d1/notes.txt"
    storage.put(key, b"hello", "text/plain")
    assert storage.get(key) == b"hello"
    assert storage.exists(key) and not storage.exists("courses/c1/materials/d1/other.txt")
    head = storage.client.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentType"] == "text/plain"
    with pytest.raises(FileNotFoundError):
        storage.get("courses/none")
    storage.delete(key)
    storage.delete(key)
    assert not storage.exists(key)


def test_s3_delete_prefix_pages_through_keys(storage: S3FileStorage) -> None:
    storage.page_size = 2  # several list/delete pages with few objects (S3 pages at 1,000)
    for i in range(5):
        storage.put(f"courses/c2/materials/d/{i:04d}.txt", b"x")
    storage.put("courses/c2/materials/keep/a.txt", b"y")
    assert len(storage.list_keys("courses/c2/materials/d/")) == 5
    assert storage.delete_prefix("courses/c2/materials/d/") == 5
    assert storage.list_keys("courses/c2/") == ["courses/c2/materials/keep/a.txt"]


def test_pipeline_keeps_originals_in_s3(storage: S3FileStorage) -> None:
    retrieval = FakeRetrieval()
    pipeline = IngestPipeline(retrieval, storage)
    result = pipeline.ingest([SourceFile("c3", "doc", "intro.md", b"# Intro\n\nHello S3.")])[0]
    assert result.status == "indexed"
    assert storage.get(result.storage_key or "") == b"# Intro\n\nHello S3."
    pipeline.delete_document("c3", "doc", result.storage_key)
    assert storage.list_keys("courses/c3/") == [] and retrieval.of("doc") == []
