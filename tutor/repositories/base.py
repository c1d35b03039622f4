"""The base repository: one collection, id-keyed helpers, duplicate keys mapped to Conflict."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from tutor.db import Document
from tutor.errors import Conflict


class Repository:
    """Wraps one collection."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def get(self, doc_id: str) -> Document | None:
        """The document with ``_id == doc_id``."""
        return await self.collection.find_one({"_id": doc_id})

    async def insert(self, doc: Document, *, conflict_message: str = "already exists") -> Document:
        """Insert ``doc``; a unique-index clash becomes :class:`Conflict`."""
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError as exc:
            raise Conflict(conflict_message) from exc
        return doc

    async def find(
        self,
        query: dict[str, Any],
        *,
        sort: list[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int = 0,
        projection: dict[str, Any] | None = None,
    ) -> list[Document]:
        """Documents matching ``query``."""
        cursor = self.collection.find(query, projection)
        if sort:
            cursor = cursor.sort(sort)
        if skip:
            cursor = cursor.skip(skip)
        if limit:
            cursor = cursor.limit(limit)
        return await cursor.to_list(None)

    async def count(self, query: dict[str, Any]) -> int:
        """Number of documents matching ``query``."""
        return await self.collection.count_documents(query)

    async def delete(self, doc_id: str) -> bool:
        """Delete by id; whether something was deleted."""
        result = await self.collection.delete_one({"_id": doc_id})
        return result.deleted_count > 0
