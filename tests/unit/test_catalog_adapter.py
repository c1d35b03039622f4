"""The agent's catalogue port reads the whole catalogue, page after page, and passes only real filters on."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from agents.adapters import CatalogAdapter
from agents.catalog_match import search_courses
from tutor.container import Services
from tutor.schemas.courses import CourseQuery


class _Courses:
    def __init__(self, count: int) -> None:
        self.items = [{"id": f"c{n}", "title": f"Course {n}", "category": "x" if n % 2 else "y"} for n in range(count)]
        self.queries: list[CourseQuery] = []

    async def list(self, query: CourseQuery) -> dict[str, Any]:
        self.queries.append(query)
        kept = [c for c in self.items if not query.category or c["category"] == query.category]
        start = (query.page - 1) * query.page_size
        return {"items": kept[start : start + query.page_size], "total": len(kept)}


async def test_every_page_of_the_catalogue_is_read() -> None:
    courses = _Courses(230)
    adapter = CatalogAdapter(cast(Services, SimpleNamespace(courses=courses)))
    listed = await adapter.list_courses({})
    assert [c["id"] for c in listed] == [f"c{n}" for n in range(230)]
    assert [q.page for q in courses.queries] == [1, 2, 3]
    odd = await adapter.list_courses({"category": "x", "search": "ignored here", "page": 7})
    assert len(odd) == 115 and all(c["id"][1:] and int(c["id"][1:]) % 2 for c in odd)


def test_search_ranks_the_named_course_first_and_keeps_only_related_ones() -> None:
    catalogue: list[dict[str, Any]] = [
        {"id": "web-apis", "title": "Web APIs with Python", "description": "Routes and JSON.", "tags": ["http"]},
        {"id": "py-intro", "title": "Introduction to Python", "description": "Variables and loops."},
        {"id": "data-101", "title": "Data Analysis", "description": "Tables with pandas.", "tags": ["pandas"]},
        {"id": "knit-1", "title": "Knitting", "description": "Scarves."},
    ]
    assert [c["id"] for c in search_courses("sign me up for intro to python", catalogue)][:1] == ["py-intro"]
    assert {c["id"] for c in search_courses("python", catalogue)} == {"web-apis", "py-intro"}
    assert [c["id"] for c in search_courses("pandas", catalogue)] == ["data-101"]  # a tag
    assert [c["id"] for c in search_courses("the one called data-101", catalogue)] == ["data-101"]  # its id
    assert search_courses("underwater basket weaving", catalogue) == []
    generic = [{"id": "py-start", "title": "Python Starter Course"}, {"id": "data-design", "title": "Data Class Design"}]
    assert search_courses("I want to enroll in a course, sign me up for a class", [*catalogue, *generic]) == []


async def test_a_course_added_while_the_pages_are_read_leaves_none_listed_twice() -> None:
    courses = _Courses(150)
    served = courses.list

    async def shifting(query: CourseQuery) -> dict[str, Any]:
        page = await served(query)
        if query.page == 1:  # a newer course arrives first in the order: page 2 repeats page 1's last
            courses.items.insert(0, {"id": "new", "title": "New", "category": "x"})
        return page

    adapter = CatalogAdapter(cast(Services, SimpleNamespace(courses=SimpleNamespace(list=shifting))))
    ids = [c["id"] for c in await adapter.list_courses({})]
    assert len(ids) == len(set(ids)) == 150
