"""Undoing an upload whose job could not be queued, so that a refused upload (503) changes nothing.

An upload stores its files and records before it queues the job (the worker needs them); when the
queue then turns out to be down, the client is told to try again, so what was written must go: new
materials and their files are removed, and a file that replaced an earlier upload of the same name gets
its previous bytes and record back.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from ingest.records import QueuedUpload
from ingest.storage import FileStorage, material_prefix
from tutor.db import Document
from tutor.repositories.materials import JobRepository, MaterialRepository


@dataclass
class UploadRollback:
    """What an upload is about to overwrite, captured before it writes anything."""

    plan: QueuedUpload
    previous: dict[str, Document | None] = field(default_factory=dict)
    old_bytes: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    async def capture(cls, plan: QueuedUpload, materials: MaterialRepository, storage: FileStorage) -> UploadRollback:
        """Remember each planned material's current record and the stored bytes its key holds."""
        rollback = cls(plan)
        for doc_id, key in plan.keys.items():
            prior = await materials.get(doc_id)
            rollback.previous[doc_id] = prior
            if prior is not None and await asyncio.to_thread(storage.exists, key):
                rollback.old_bytes[key] = await asyncio.to_thread(storage.get, key)
        return rollback

    async def undo(self, materials: MaterialRepository, jobs: JobRepository, storage: FileStorage) -> None:
        """Remove the job, and put every material and stored file back as it was."""
        course_id = str(self.plan.job["course_id"])
        await jobs.delete(str(self.plan.job["_id"]))
        for doc_id, key in self.plan.keys.items():
            prior = self.previous.get(doc_id)
            if prior is None:
                await asyncio.to_thread(storage.delete_prefix, material_prefix(course_id, doc_id))
                await materials.delete(doc_id)
                continue
            if key in self.old_bytes:
                await asyncio.to_thread(storage.put, key, self.old_bytes[key], "application/octet-stream")
            else:
                await asyncio.to_thread(storage.delete, key)
            await materials.restore(prior)
