"""The catalogue cache's freshness rules, over an in-memory stand-in for the course repository."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tutor.db import Document
from tutor.services.catalogue_cache import CatalogueCache

pytestmark = pytest.mark.asyncio


class Courses:
    """The part of CourseRepository the cache uses; counts reads, can hold ``stamps`` at a gate."""

    def __init__(self, *ids: str) -> None:
        self.docs: dict[str, Document] = {cid: {"_id": cid, "title": cid, "version": 1} for cid in ids}
        self.writes = 0
        self.reads: list[str] = []
        self.gate: asyncio.Event | None = None
        self.fail_next = False

    def write(self, cid: str, **fields: Any) -> None:
        doc = self.docs.setdefault(cid, {"_id": cid, "version": 0})
        doc.update(fields, version=doc["version"] + 1)
        self.writes += 1

    async def stamps(self) -> list[Document]:
        self.reads.append("stamps")
        snapshot = [{"_id": d["_id"], "version": d["version"], "status": d.get("status")} for d in self.docs.values()]
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("database down")
        return snapshot

    async def outlines(self, ids: Any) -> list[Document]:
        self.reads.append("outlines")
        return [dict(self.docs[cid]) for cid in sorted(ids) if cid in self.docs]

    async def get(self, cid: str) -> Document | None:
        self.reads.append(f"get {cid}")
        return dict(self.docs[cid]) if cid in self.docs else None


def cache_over(courses: Courses, max_age_s: float = 3600, **kwargs: Any) -> CatalogueCache:
    return CatalogueCache(courses, max_age_s, **kwargs)  # type: ignore[arg-type]


def titles(outlines: list[Document]) -> list[str]:
    return sorted(str(doc["title"]) for doc in outlines)


async def test_only_changed_courses_are_read_again():
    courses = Courses("a", "b", "c")
    cache = cache_over(courses)
    assert titles(await cache.outlines()) == ["a", "b", "c"]
    courses.write("b", title="B")
    courses.reads.clear()
    assert titles(await cache.outlines()) == ["B", "a", "c"]
    assert courses.reads == ["stamps", "outlines"]


async def test_concurrent_readers_share_one_check():
    courses = Courses("a")
    cache = cache_over(courses)
    courses.gate = asyncio.Event()
    readers = [asyncio.create_task(cache.outlines()) for _ in range(20)]
    await asyncio.sleep(0)
    courses.gate.set()
    assert all(titles(r) == ["a"] for r in await asyncio.gather(*readers))
    assert courses.reads.count("stamps") == 1


async def test_a_check_that_started_before_a_local_write_is_followed_by_another():
    courses = Courses("a")
    cache = cache_over(courses)
    courses.gate = asyncio.Event()
    early = asyncio.create_task(cache.outlines())
    await asyncio.sleep(0.01)  # its check has read the versions and waits at the gate
    courses.write("a", title="after")
    late = asyncio.create_task(cache.outlines())
    await asyncio.sleep(0.01)
    courses.gate.set()
    await early
    assert titles(await late) == ["after"]
    assert courses.reads.count("stamps") == 2


async def test_a_failed_check_fails_its_readers_and_the_next_read_checks_again():
    courses = Courses("a")
    cache = cache_over(courses)
    courses.fail_next = True
    with pytest.raises(ConnectionError):
        await cache.outlines()
    assert titles(await cache.outlines()) == ["a"]


async def test_whole_courses_are_bounded_and_least_recently_read_goes_first():
    courses = Courses("a", "b", "c")
    cache = cache_over(courses, max_documents=2)
    for cid in ("a", "b", "a", "c"):
        assert (await cache.document(cid) or {})["_id"] == cid
    courses.reads.clear()
    await cache.document("a")
    await cache.document("b")  # dropped when c came in
    assert courses.reads == ["get b"]


async def test_a_course_removed_or_changed_elsewhere_leaves_the_cache_after_the_bound():
    now = [0.0]
    courses = Courses("a", "b")
    cache = cache_over(courses, max_age_s=2, clock=lambda: now[0])
    assert titles(await cache.outlines()) == ["a", "b"]
    assert (await cache.document("a") or {})["title"] == "a"
    # Another process writes: this one's write count does not move.
    courses.docs["a"].update(title="A", version=2)
    courses.docs["b"].update(status="removing", version=2)
    now[0] = 2.5
    assert titles(await cache.outlines()) == ["A"]
    assert (await cache.document("a") or {})["title"] == "A"


async def test_whole_courses_stay_within_a_byte_budget():
    courses = Courses("a", "b")
    courses.docs["b"]["content"] = "x" * 5000
    cache = cache_over(courses, max_document_bytes=4000)
    await cache.document("a")
    assert await cache.document("b") is not None  # too large to keep, still answered
    courses.reads.clear()
    await cache.document("a")
    await cache.document("b")
    assert courses.reads == ["get b"]
