"""The in-memory catalogue query gives what the database gives for the same filters and order."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from tutor.schemas.courses import CourseQuery
from tutor.services.catalogue_query import select
from tutor.settings import Settings

pytestmark = pytest.mark.asyncio

DAY = [datetime(2026, 1, d, tzinfo=UTC) for d in range(1, 6)]
# Awkward on purpose: ties, missing and null fields, case and accents, regex characters.
COURSES: list[dict[str, Any]] = [
    {"_id": "c1", "title": "alpha", "category": "a", "price": 10, "tags": ["python", "Loops"], "created_at": DAY[0]},
    {"_id": "c2", "title": "Alpha", "category": "a", "price": 10.5, "tags": ["PY"], "created_at": DAY[0], "rating": 4},
    {"_id": "c3", "title": "Émile", "category": "b", "price": None, "tags": [], "description": "ÜBER loops (1+1)"},
    {"_id": "c4", "title": "zeta", "category": "a", "tags": ["python"], "created_at": DAY[2], "rating": 4.5},
    {"_id": "c5", "title": "über", "category": "b", "price": 0, "description": "über", "difficulty_level": "advanced"},
    {"_id": "c6", "title": "Beta", "category": "a", "price": 10, "tags": ["python", "loops"], "instructor_id": "t1"},
    {"_id": "c7", "title": "beta", "price": 99, "tags": ["x"], "created_at": DAY[4], "enrollments": 3, "rating": 0},
]
QUERIES: list[dict[str, Any]] = [
    {},
    {"category": "a"},
    {"tags": ["python"]},
    {"tags": ["python", "Loops"]},
    {"min_price": 5},
    {"max_price": 10},
    {"min_price": 0, "max_price": 10.5},
    {"q": "LOOP"},
    {"q": "über"},
    {"q": "(1+1)"},
    {"q": "."},
    {"difficulty_level": "advanced"},
    {"instructor_id": "t1"},
    {"category": "a", "page_size": 2, "page": 2},
]
SORTS = ["created_at", "title", "price", "rating", "duration_hours", "enrollments"]


def database_filter(query: CourseQuery) -> dict[str, Any]:
    """The filter the catalogue sent to the database before it was answered from memory."""
    out: dict[str, Any] = {}
    for key in ("category", "difficulty_level", "instructor_id"):
        if getattr(query, key):
            out[key] = getattr(query, key)
    if query.tags:
        out["tags"] = {"$all": query.tags}
    price = {op: v for op, v in (("$gte", query.min_price), ("$lte", query.max_price)) if v is not None}
    if price:
        out["price"] = price
    if query.q and query.q.strip():
        pattern = re.escape(query.q.strip())
        out["$or"] = [{f: {"$regex": pattern, "$options": "i"}} for f in ("title", "description", "tags")]
    return out


@pytest.fixture
async def collection(settings: Settings) -> AsyncIterator[AsyncCollection[Any]]:
    client: AsyncMongoClient[Any] = AsyncMongoClient(settings.mongodb_url, tz_aware=True)
    coll = client[settings.mongodb_db][f"catalogue_query_{uuid.uuid4().hex[:8]}"]
    await coll.insert_many([dict(c) for c in COURSES])
    yield coll
    await coll.drop()
    await client.close()


@pytest.mark.parametrize("params", QUERIES)
async def test_same_page_and_total_as_the_database(collection, params):
    stored = await collection.find({}).to_list(None)
    for sort in SORTS:
        for order in ("asc", "desc"):
            query = CourseQuery.model_validate({"page_size": 3, **params, "sort": sort, "order": order})
            wanted = database_filter(query)
            expected = await (
                collection.find(wanted)
                .sort([(sort, 1 if order == "asc" else -1), ("_id", 1)])
                .skip((query.page - 1) * query.page_size)
                .limit(query.page_size)
                .to_list(None)
            )
            page, total = select(stored, query)
            assert [d["_id"] for d in page] == [d["_id"] for d in expected], (params, sort, order)
            assert total == await collection.count_documents(wanted), (params, sort, order)
