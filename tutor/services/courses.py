"""The course catalogue and instructors' editing of their own courses."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from tutor.db import Document
from tutor.errors import Conflict, Forbidden, NotFound
from tutor.repositories.courses import CourseRepository, version_of
from tutor.repositories.enrollments import EnrollmentRepository
from tutor.schemas.common import new_id, utcnow
from tutor.schemas.courses import CourseIn, CourseQuery, CourseUpdate
from tutor.services.catalogue_cache import CatalogueCache
from tutor.services.catalogue_query import select
from tutor.services.course_state import is_live
from tutor.services.course_tree import build_modules, collect_skills, titles_changed
from tutor.services.labels import CourseLabels, load_labels
from tutor.services.principal import Principal
from tutor.services.views import course_summary, course_view

log = logging.getLogger(__name__)

MAX_SUMMARIES = 4096  # catalogue entries kept built, per course version
MAX_PAGES = 1024  # catalogue pages kept built, for the catalogue as it is now

# List fields every reader iterates (skill names, the recommender): a PATCH with null empties them.
CLEARED_TO_EMPTY = ("tags", "prerequisite_skills")


class CourseService:
    """Courses: listing for everyone, editing for their instructor.

    A course being removed (see :mod:`tutor.services.course_removal`) is invisible here at once.
    The catalogue and course pages are read through :class:`CatalogueCache`; what is about to be
    changed (:meth:`get_doc`, :meth:`owned`) is read from the database.
    """

    def __init__(
        self, courses: CourseRepository, enrollments: EnrollmentRepository, cache: CatalogueCache | None = None
    ) -> None:
        self.courses = courses
        self.enrollments = enrollments
        self.cache = cache or CatalogueCache(courses)
        # Told a course's id after an edit changed titles its material is indexed under (the API re-indexes).
        self.title_listeners: list[Callable[[str], Awaitable[None]]] = []
        self._summaries: dict[tuple[str, int], dict[str, Any]] = {}
        self._pages: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._pages_generation = -1

    async def list(self, query: CourseQuery) -> dict[str, Any]:
        """Filtered, sorted, paginated catalogue (from the catalogue cache).

        A page is built once for the catalogue as it stands: the same query is answered from the page
        built before until a course is added, changed or removed (filtering and sorting every course
        on every request would grow with the catalogue).
        """
        outlines = await self.cache.outlines()
        if self._pages_generation != self.cache.generation:
            self._pages, self._pages_generation = {}, self.cache.generation
        key = _query_key(query)
        page = self._pages.get(key)
        if page is None:
            docs, total = select(outlines, query)
            page = {
                "items": [self._summary(doc) for doc in docs],
                "total": total,
                "page": query.page,
                "page_size": query.page_size,
            }
            if len(self._pages) >= MAX_PAGES:
                self._pages.pop(next(iter(self._pages)))  # the oldest page
            self._pages[key] = page
        return {**page, "items": [dict(item) for item in page["items"]]}  # the caller's own copy

    def _summary(self, doc: Document) -> dict[str, Any]:
        """The catalogue entry of a course, built once per course version (every write bumps it)."""
        key = (doc["_id"], version_of(doc))
        summary = self._summaries.get(key)
        if summary is None:
            if len(self._summaries) >= MAX_SUMMARIES:
                self._summaries.clear()
            summary = self._summaries[key] = course_summary(doc)
        return summary

    async def get_doc(self, course_id: str) -> Document:
        """The stored course or :class:`NotFound` (also for a course being removed)."""
        course = await self.courses.get(course_id)
        if course is None or not is_live(course):
            raise NotFound(f"course {course_id} not found")
        return course

    async def labels(self, course_ids: Iterable[str] | None = None) -> CourseLabels:
        """Course titles, lesson titles and skill names of some courses (all when ``course_ids`` is None)."""
        return await load_labels(self.courses, course_ids)

    async def get(self, course_id: str, principal: Principal) -> dict[str, Any]:
        """A course as the caller may see it.

        Answer keys only for its instructor; lesson ``content`` only for its instructor and its
        enrolled students, everyone else sees the outline (titles, skills, durations, quiz prompts).
        """
        course = await self.cache.document(course_id)
        if course is None or not is_live(course):
            raise NotFound(f"course {course_id} not found")
        teaches = course["instructor_id"] == principal.user_id
        view = course_view(course, with_answers=teaches)
        if teaches or await self.enrollments.find_one(principal.user_id, course_id) is not None:
            return view
        return outline_only(view)

    async def owned(self, course_id: str, principal: Principal) -> Document:
        """The course, if ``principal`` is its instructor."""
        course = await self.get_doc(course_id)
        if course["instructor_id"] != principal.user_id:
            raise Forbidden("only the course's instructor may change it")
        return course

    async def create(self, data: CourseIn, principal: Principal, course_id: str | None = None) -> dict[str, Any]:
        """Create a course owned by the calling instructor (``course_id`` fixed only by seeding)."""
        if not principal.is_instructor:
            raise Forbidden("only instructors create courses")
        now = utcnow()
        modules = build_modules([m.model_dump() for m in data.modules])
        fields = data.model_dump(exclude={"modules"})
        doc: Document = {
            "_id": course_id or new_id(),
            **{k: v for k, v in fields.items() if v is not None},
            "description": data.description or "",
            "duration_hours": data.duration_hours or 0.0,
            "price": data.price or 0.0,
            "tags": data.tags or [],
            "prerequisite_skills": data.prerequisite_skills or [],
            "instructor_id": principal.user_id,
            "modules": modules,
            "skills": collect_skills(modules),
            "rating": 0.0,
            "enrollments": 0,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        await self.courses.insert(doc)
        return course_view(doc, with_answers=True)

    async def update(self, course_id: str, data: CourseUpdate, principal: Principal) -> dict[str, Any]:
        """Change top-level fields of an owned course."""
        before = await self.owned(course_id, principal)
        fields = data.model_dump(exclude_unset=True)
        if any(value is None for key, value in fields.items() if key in ("title", "category")):
            raise Conflict("title and category cannot be cleared")
        for key in CLEARED_TO_EMPTY:  # null clears a list: stored as [], as create() stores a missing one
            if key in fields and fields[key] is None:
                fields[key] = []
        course = await self.courses.set_fields(course_id, fields) if fields else await self.get_doc(course_id)
        if course is None:
            raise NotFound(f"course {course_id} not found")
        await self.edited(before, course)
        return course_view(course, with_answers=True)

    async def edited(self, before: Document, after: Document) -> None:
        """Tell the title listeners when a saved edit changed titles the course's material is indexed under."""
        if titles_changed(before, after):
            for listener in self.title_listeners:
                try:
                    await listener(str(after["_id"]))
                except Exception:  # the edit is saved: a listener's failure must not report it failed
                    log.exception("a title listener failed for course %s", after["_id"])


def outline_only(view: dict[str, Any]) -> dict[str, Any]:
    """A course view without lesson bodies (``content`` is None), for callers who may not read them."""
    for module in view.get("modules", []):
        for lesson in module.get("lessons", []):
            lesson["content"] = None
    return view


def _query_key(query: CourseQuery) -> tuple[Any, ...]:
    """The query as a hashable key (its fields in order, the tag list as a tuple)."""
    return tuple(tuple(value) if isinstance(value, list) else value for value in query.__dict__.values())
