"""``materials`` (one document per uploaded file) and ``ingest_jobs`` (one per upload).

The API, the ingestion worker and the CLI all go through these two repositories (sync callers through
:class:`tutor.repositories.blocking.BlockingRepositories`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow

WAITING_S = 600.0  # a queued job not started for this long is not counted on to run


class MaterialRepository(Repository):
    """Course materials; ``_id`` is the document id used by the chunk index."""

    async def of_course(self, course_id: str) -> list[Document]:
        """Materials of a course, by file name."""
        return await self.find({"course_id": course_id}, sort=[("filename", 1)])

    async def course_ids(self) -> list[str]:
        """Every course that has material, sorted."""
        return sorted(str(c) for c in await self.collection.distinct("course_id"))

    async def upsert(self, doc_id: str, fields: dict[str, Any]) -> None:
        """Create or update a material."""
        now = utcnow()
        await self.collection.update_one(
            {"_id": doc_id}, {"$set": {**fields, "updated_at": now}, "$setOnInsert": {"created_at": now}}, upsert=True
        )

    async def restore(self, material: Document) -> None:
        """Put back a material exactly as it was read earlier (undoing a refused upload)."""
        await self.collection.replace_one({"_id": material["_id"]}, material, upsert=True)

    async def by_ids(self, doc_ids: list[str]) -> dict[str, Document]:
        """Materials with the given ids, by id (unknown ids are left out)."""
        return {m["_id"]: m for m in await self.find({"_id": {"$in": doc_ids}})}

    async def set_fields(self, doc_id: str, fields: dict[str, Any]) -> None:
        """Set fields of a material (an ingestion result: status, chunks, error, indexed hash)."""
        await self.collection.update_one({"_id": doc_id}, {"$set": {**fields, "updated_at": utcnow()}})

    async def mark_unindexed(self, doc_id: str, fields: dict[str, Any]) -> None:
        """Set ``fields`` (a failure) and forget the indexed hash: what the index holds is no longer known."""
        await self.collection.update_one(
            {"_id": doc_id}, {"$set": {**fields, "updated_at": utcnow()}, "$unset": {"indexed_hash": ""}}
        )


class JobRepository(Repository):
    """Ingestion jobs with their per-file progress."""

    async def set_fields(self, job_id: str, fields: dict[str, Any]) -> None:
        """Set fields of a job (progress, state, the end of a run)."""
        await self.collection.update_one({"_id": job_id}, {"$set": {**fields, "updated_at": utcnow()}})

    async def waiting(self, course_id: str, reason: str, within_s: float = WAITING_S) -> list[Document]:
        """Jobs of the course with this ``reason`` that no worker has started yet, queued in the last
        ``within_s`` seconds (an older one may have lost its queue message), oldest first."""
        since = utcnow() - timedelta(seconds=within_s)
        query = {"course_id": course_id, "reason": reason, "state": "queued", "started_at": {"$exists": False}}
        return await self.find({**query, "created_at": {"$gte": since}}, sort=[("created_at", 1)])

    async def start_attempt(self, job_id: str) -> None:
        """Count one more run of the job and note when it started."""
        await self.collection.update_one({"_id": job_id}, {"$inc": {"attempts": 1}, "$set": {"started_at": utcnow()}})

    async def clear_error(self, job_id: str, code: str) -> None:
        """Drop a previous run's error of kind ``code`` from a job about to run again."""
        await self.collection.update_one(
            {"_id": job_id, "error_code": code}, {"$unset": {"error": "", "error_code": ""}}
        )
