"""``materials`` (one document per uploaded file) and ``ingest_jobs`` (one per upload), async side."""

from __future__ import annotations

from typing import Any

from tutor.db import Document
from tutor.repositories.base import Repository
from tutor.schemas.common import utcnow


class MaterialRepository(Repository):
    """Course materials; ``_id`` is the document id used by the chunk index."""

    async def of_course(self, course_id: str) -> list[Document]:
        """Materials of a course, by file name."""
        return await self.find({"course_id": course_id}, sort=[("filename", 1)])

    async def upsert(self, doc_id: str, fields: dict[str, Any]) -> None:
        """Create or update a material."""
        now = utcnow()
        await self.collection.update_one(
            {"_id": doc_id}, {"$set": {**fields, "updated_at": now}, "$setOnInsert": {"created_at": now}}, upsert=True
        )

    async def restore(self, material: Document) -> None:
        """Put back a material exactly as it was read earlier (undoing a refused upload)."""
        await self.collection.replace_one({"_id": material["_id"]}, material, upsert=True)


class JobRepository(Repository):
    """Ingestion jobs with their per-file progress."""
