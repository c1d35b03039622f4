"""S3 storage through boto3 against a real ``moto_server`` on loopback, and the pipeline on top of it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest

from ingest.pipeline import IngestPipeline, SourceFile
from ingest.storage.s3 import S3FileStorage
from tests.unit._ingest_fakes import FakeRetrieval

BUCKET = "course-materials"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    port = _free_port()
    binary = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


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
