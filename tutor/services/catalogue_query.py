"""A catalogue query answered over course documents in memory, as MongoDB would answer it.

The filters and the order are those the catalogue used to send to the database: equality on
category, difficulty and instructor; every tag (``$all``); a price range that a course without a
numeric price never matches; a case-insensitive literal search in title, description and tags; the
sort field in BSON order (missing and null first, then numbers, then strings, then dates), ties by
``_id`` ascending.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeGuard

from tutor.db import Document
from tutor.schemas.courses import CourseQuery


def select(courses: Iterable[Document], query: CourseQuery) -> tuple[list[Document], int]:
    """The page of ``courses`` that ``query`` asks for, and how many match in all."""
    search = re.compile(re.escape(query.q.strip()), re.IGNORECASE) if query.q and query.q.strip() else None
    matching = [course for course in courses if _matches(course, query, search)]
    matching.sort(key=lambda course: _bson_key(course.get("_id")))
    # A stable sort keeps the _id order among equal keys, in either direction.
    matching.sort(key=lambda course: _bson_key(course.get(query.sort)), reverse=query.order != "asc")
    start = (query.page - 1) * query.page_size
    return matching[start : start + query.page_size], len(matching)


def _matches(course: Document, query: CourseQuery, search: re.Pattern[str] | None) -> bool:
    equal = {
        "category": query.category,
        "difficulty_level": query.difficulty_level,
        "instructor_id": query.instructor_id,
    }
    if any(wanted and course.get(key) != wanted for key, wanted in equal.items()):
        return False
    tags = course.get("tags")
    tags = tags if isinstance(tags, list) else []
    if query.tags and not all(tag in tags for tag in query.tags):
        return False
    if query.min_price is not None or query.max_price is not None:
        stored = course.get("price")
        if not _is_number(stored):
            return False
        price = float(stored)
        if query.min_price is not None and price < query.min_price:
            return False
        if query.max_price is not None and price > query.max_price:
            return False
    if search is not None:
        texts = [course.get("title"), course.get("description"), *tags]
        return any(isinstance(text, str) and search.search(text) for text in texts)
    return True


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bson_key(value: Any) -> tuple[int, Any]:
    """A sort key following BSON's order of types (the values this catalogue stores)."""
    if value is None:
        return (0, 0)
    if _is_number(value):
        return (1, value)
    if isinstance(value, str):
        return (2, value)  # code point order is UTF-8 byte order, as MongoDB compares strings
    if isinstance(value, bool):
        return (8, value)
    if isinstance(value, datetime):
        return (9, value)
    return (5, repr(value))
