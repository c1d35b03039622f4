"""Tutor usage per course and student: token counts of every assistant turn, the caps, and the reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from tutor.errors import InvalidInput
from tutor.repositories.usage import COUNTED, CapCounterRepository, UsageRepository
from tutor.schemas.common import utcnow
from tutor.schemas.tutor_policy import TutorPolicy, policy_of
from tutor.services.courses import CourseService
from tutor.services.principal import Principal
from tutor.services.pseudonyms import StudentLabels

STALE_RESERVATION = timedelta(minutes=10)  # no turn runs this long: older reservations never settled
MAX_REPORT_DAYS = 366
DEFAULT_REPORT_DAYS = 30


@dataclass(frozen=True, slots=True)
class TurnUsage:
    """What one assistant turn used: ``billable`` when a paid LLM answered (not the offline model)."""

    model: str
    prompt_tokens: int
    completion_tokens: int
    billable: bool

    @property
    def total(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class Admission:
    """Whether a turn may use the LLM, and the reservations it holds on the caps' counters.

    Attributes:
        allowed: False when a cap is reached (the turn is answered by the offline model).
        reason: ``student_daily_cap`` or ``course_monthly_cap`` when refused.
        cap: The cap that refused it.
        reservations: ``(counter key, tokens reserved)`` to settle when the turn ends.
    """

    allowed: bool = True
    reason: str | None = None
    cap: int | None = None
    reservations: list[tuple[str, int]] = field(default_factory=list)


def student_key(course_id: str, user_id: str, day: str) -> str:
    """The counter of one student's LLM tokens in a course on one UTC day."""
    return f"s|{course_id}|{user_id}|{day}"


def course_key(course_id: str, month: str) -> str:
    """The counter of a course's LLM tokens in one UTC month (``YYYY-MM``)."""
    return f"c|{course_id}|{month}"


class Prices:
    """Estimated cost of tokens: price per 1,000 prompt and completion tokens per model (0 when not listed)."""

    def __init__(self, per_1k: Mapping[str, tuple[float, float]], currency: str) -> None:
        self.per_1k = dict(per_1k)
        self.currency = currency

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        """Cost of the tokens of ``model``."""
        prompt, completion = self.per_1k.get(model, (0.0, 0.0))
        return (prompt_tokens * prompt + completion_tokens * completion) / 1000


class UsageService:
    """Counts turns, enforces the caps across API replicas, and reports usage to the course's instructor."""

    def __init__(
        self,
        usage: UsageRepository,
        caps: CapCounterRepository,
        courses: CourseService,
        students: StudentLabels,
        prices: Prices,
        reserve_tokens: int,
    ) -> None:
        self.usage = usage
        self.caps = caps
        self.courses = courses
        self.students = students
        self.prices = prices
        self.reserve_tokens = reserve_tokens

    async def admit(self, course_id: str, user_id: str, policy: TutorPolicy) -> Admission:
        """Reserve room under the course's caps for one LLM turn, or say which cap is reached.

        Atomic per counter (one conditional update each), so concurrent turns on any number of API
        replicas are admitted only while what is used and reserved stays under the cap: a cap is passed
        by at most one turn (each reserves at least the largest turn seen under it).
        """
        now = utcnow()
        stale = now - STALE_RESERVATION
        admission = Admission()
        checks: list[tuple[str, int, str, str | None]] = []
        if policy.student_daily_tokens is not None:
            key = student_key(course_id, user_id, now.date().isoformat())
            checks.append((key, policy.student_daily_tokens, "student_daily_cap", user_id))
        if policy.course_monthly_tokens is not None:
            checks.append((course_key(course_id, now.strftime("%Y-%m")), policy.course_monthly_tokens,
                           "course_monthly_cap", None))  # fmt: skip
        for key, cap, reason, owner in checks:
            granted = await self.caps.reserve(key, cap, self.reserve_tokens, now, stale, owner)
            if granted is None:
                await self.settle(admission, None)  # give back what the other cap reserved
                return Admission(allowed=False, reason=reason, cap=cap)
            admission.reservations.append((key, granted))
        return admission

    async def settle(self, admission: Admission, used: TurnUsage | None) -> None:
        """Free a turn's reservations and count the LLM tokens it used against the same caps."""
        tokens = used.total if used is not None and used.billable else 0
        await self.caps.settle([(key, tokens, reserved) for key, reserved in admission.reservations])

    async def record(self, course_id: str, user_id: str, used: TurnUsage) -> None:
        """Count one assistant turn in the course's usage of its day."""
        counts = {
            "messages": 1,
            "prompt_tokens": used.prompt_tokens,
            "completion_tokens": used.completion_tokens,
            "billable_tokens": used.total if used.billable else 0,
        }
        await self.usage.add(course_id, user_id, utcnow().date().isoformat(), used.model, counts)

    async def mine(self, principal: Principal, course_id: str) -> dict[str, Any]:
        """The caller's usage of the course's tutor today (UTC) and their daily cap."""
        policy = policy_of(await self.courses.get_doc(course_id))
        today = utcnow().date().isoformat()
        docs = await self.usage.of_student(principal.user_id, course_id, today)
        tokens = sum(int(d.get("billable_tokens", 0)) for d in docs)
        cap = policy.student_daily_tokens
        return {
            "day": today,
            "messages": sum(int(d.get("messages", 0)) for d in docs),
            "tokens": tokens,
            "daily_cap": cap,
            "remaining": None if cap is None else max(0, cap - tokens),
            "capped": cap is not None and tokens >= cap,
        }

    async def report(
        self, principal: Principal, course_id: str, first: date | None, last: date | None
    ) -> dict[str, Any]:
        """Totals, per day and per student (pseudonymised unless review is ``named``) for the course's instructor."""
        course = await self.courses.owned(course_id, principal)
        last = last or utcnow().date()
        first = first or last - timedelta(days=DEFAULT_REPORT_DAYS - 1)
        if first > last:
            raise InvalidInput("from must not be after to")
        if (last - first).days >= MAX_REPORT_DAYS:
            raise InvalidInput(f"a usage report covers at most {MAX_REPORT_DAYS} days")
        docs = await self.usage.of_course(course_id, first.isoformat(), last.isoformat())
        by_day: dict[str, dict[str, Any]] = {}
        by_user: dict[str, dict[str, Any]] = {}
        totals = _empty()
        for doc in docs:
            cost = self.prices.cost(
                doc["model"], int(doc.get("prompt_tokens", 0)), int(doc.get("completion_tokens", 0))
            )
            for row in (totals, by_day.setdefault(doc["day"], _empty()), by_user.setdefault(doc["user_id"], _empty())):
                _add(row, doc, cost)
        names = await self.students.labels(course, list(by_user))
        return {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "currency": self.prices.currency,
            "totals": _rounded(totals),
            "by_day": [{"day": day, **_rounded(row)} for day, row in sorted(by_day.items())],
            "by_student": sorted(
                ({"student": names[uid], **_rounded(row)} for uid, row in by_user.items()),
                key=lambda r: (-(r["prompt_tokens"] + r["completion_tokens"]), r["student"]),
            ),
        }


def _empty() -> dict[str, Any]:
    return {"messages": 0, "prompt_tokens": 0, "completion_tokens": 0, "billable_tokens": 0, "estimated_cost": 0.0}


def _add(row: dict[str, Any], doc: Mapping[str, Any], cost: float) -> None:
    for key in COUNTED:
        row[key] += int(doc.get(key, 0))
    row["estimated_cost"] += cost


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "estimated_cost": round(row["estimated_cost"], 6)}


def parse_day(value: str | None, name: str) -> date | None:
    """An ISO date query parameter (``YYYY-MM-DD``), or None when absent."""
    if value is None or value == "":
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput(f"{name} must be a date like 2026-01-31") from None
