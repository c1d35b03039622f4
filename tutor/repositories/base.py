"""The base repository: one collection, id-keyed helpers, storage errors mapped to domain errors.

Duplicate keys become :class:`Conflict`; a document over MongoDB's 16 MiB limit becomes
:class:`TooLarge` (413), never a 500; names that go into a field path are checked by :func:`field_path`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DocumentTooLarge, DuplicateKeyError

from tutor.db import Document
from tutor.errors import Conflict, InvalidInput, TooLarge

_FIELD_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def field_path(*names: str) -> str:
    """``a.b.c`` from names that can never add a level or an operator (no ``.``, no ``$``).

    Raises:
        InvalidInput: a name is not 1 to 64 of letters, digits, ``_`` and ``-``.
    """
    for name in names:
        if not _FIELD_NAME.fullmatch(name):
            raise InvalidInput(f"{name[:80]!r} cannot be used as a field name (letters, digits, '_', '-'; 1 to 64)")
    return ".".join(names)


class Repository:
    """Wraps one collection."""

    too_large_message = "the record is too large to store (the database's limit is 16 MiB per document)"
    """Message of :class:`TooLarge` when a write exceeds the document size limit; subclasses name what is stored."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def get(self, doc_id: str) -> Document | None:
        """The document with ``_id == doc_id``."""
        return await self.collection.find_one({"_id": doc_id})

    async def insert(self, doc: Document, *, conflict_message: str = "already exists") -> Document:
        """Insert ``doc``; a unique-index clash becomes :class:`Conflict`, an oversize one :class:`TooLarge`."""
        try:
            with self.size_checked():
                await self.collection.insert_one(doc)
        except DuplicateKeyError as exc:
            raise Conflict(conflict_message) from exc
        return doc

    @contextmanager
    def size_checked(self) -> Iterator[None]:
        """Around a write: a document over the 16 MiB limit becomes :class:`TooLarge`."""
        try:
            yield
        except DocumentTooLarge as exc:
            raise TooLarge(self.too_large_message) from exc

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

    async def delete_many(self, query: dict[str, Any]) -> int:
        """Delete every document matching ``query``; how many were deleted."""
        result = await self.collection.delete_many(query)
        return result.deleted_count

    async def update_many(self, query: dict[str, Any], update: dict[str, Any]) -> int:
        """Apply ``update`` to every document matching ``query``; how many were modified."""
        result = await self.collection.update_many(query, update)
        return result.modified_count
