"""Typed dependencies handed to the agent's tools (the ``RunContext[Deps]`` idea).

The API layer builds one :class:`TutorDeps` per request from the authenticated user and thin
adapters over the real services. Tools read the user from here and never from model output, so a
model (or text injected into its context) cannot make a tool act for somebody else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from retrieval.coverage import TermCoverage
from retrieval.types import SearchHit


@dataclass(frozen=True, slots=True)
class TutorUser:
    """The authenticated user a chat turn runs for.

    Attributes:
        id: User id (string form of the database id).
        role: ``student``, ``instructor`` or ``admin``.
        email: Login e-mail.
        full_name: Display name.
    """

    id: str
    role: str
    email: str = ""
    full_name: str = ""


class PortError(Exception):
    """A domain failure an adapter reports to a tool (shown to the model, never raised to the user).

    Adapters may raise this or let the services' ``tutor.errors.DomainError`` through: tools turn
    both into an error result for the model. Any other exception is reported as an internal error
    without its text.

    Attributes:
        code: Short machine code, e.g. ``not_found``, ``conflict``, ``forbidden``, ``invalid_input``.
        message: Human-readable explanation that is safe to show to the model and the student.
        details: Extra facts the tutor can act on (e.g. the course a student is not enrolled in).
    """

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


class CatalogPort(Protocol):
    """Public course catalogue."""

    async def list_courses(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        """Published course summaries: id, title, description, category, difficulty_level, tags."""
        ...

    async def course_title(self, course_id: str) -> str | None:
        """The title of a published course, or None when there is no such course."""
        ...


class EnrollmentPort(Protocol):
    """Enrollment of the current user."""

    async def enroll(self, user_id: str, course_id: str) -> dict[str, Any]:
        """Enroll ``user_id`` in ``course_id``; raise a domain error (e.g. already enrolled) on failure."""
        ...


class ProgressPort(Protocol):
    """Learning progress of the current user."""

    async def get_progress(self, user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        """Progress records, one per enrolled course (or only ``course_id``)."""
        ...


class MaterialPort(Protocol):
    """Course-material search restricted (by the adapter) to courses the user may read.

    Failures are reported as :class:`PortError` with a code the tutor explains truthfully:
    ``not_enrolled`` (details: ``course_id``, ``title``, ``price``), ``no_material`` (nothing uploaded
    yet) and ``material_unavailable`` (the search backend cannot be reached).
    """

    async def search(self, user_id: str, query: str, course_id: str | None, k: int) -> list[SearchHit]:
        """Top ``k`` passages for ``query``, best first."""
        ...

    async def coverage(self, user_id: str, query: str, course_id: str | None) -> list[TermCoverage]:
        """How many passages of the searched course(s) use each content word of ``query``."""
        ...


class LearnerPort(Protocol):
    """Learner modeling (recommendations and weak areas)."""

    async def get_recommendations(self, user_id: str) -> dict[str, Any]:
        """Recommended next items for the user."""
        ...

    async def get_weak_areas(self, user_id: str, course_id: str | None) -> list[dict[str, Any]]:
        """Skills or topics where the user is weakest, weakest first."""
        ...


class PracticePort(Protocol):
    """Practice questions from the quiz bank of the current user's courses, graded on the server."""

    async def next_question(self, user_id: str, course_id: str | None, topic: str | None) -> dict[str, Any]:
        """One question (weakest matching skill, not recently seen) without its answer key.

        Keys: ``course_id``, ``course_title``, ``lesson_id``, ``lesson_title``, ``question_id``,
        ``prompt``, ``choices``, ``skills``, ``skill``, ``skill_label``, ``weak``, ``topic``,
        ``topic_matched``, ``recently_seen``.
        """
        ...

    async def check(self, user_id: str, pending: dict[str, Any], answer: str) -> dict[str, Any]:
        """Grade ``answer`` to the ``pending`` practice question and record the attempt.

        ``status`` is ``correct``, ``incorrect`` (then the answer, explanation and lesson are
        included) or ``not_an_answer`` (nothing recorded or revealed; ask again).
        """
        ...


@dataclass(slots=True)
class TutorDeps:
    """Everything a tool may use, bound to one authenticated user.

    Attributes:
        user: The authenticated user; the only source of a user id for tools.
        catalog: Course catalogue port.
        enrollment: Enrollment port.
        progress: Progress port.
        material: Course-material search port.
        learner: Learner-model port, ``None`` until learner modeling is wired in (its tools then
            report "not available" to the model).
        search_k: Passages fetched per search.
        practice: Practice-question port, ``None`` when practice in chat is not wired in (its
            tools are then not offered to the model).
    """

    user: TutorUser
    catalog: CatalogPort
    enrollment: EnrollmentPort
    progress: ProgressPort
    material: MaterialPort
    learner: LearnerPort | None = None
    search_k: int = 5
    practice: PracticePort | None = None
