"""``tutor doctor``: run independent checks with their own time budgets and report them as a table or JSON.

The checks themselves live in :mod:`app.doctor_checks`. Each runs in its own daemon thread, so a server
that accepts a connection and then never answers costs at most its budget (plus a short grace period)
and cannot hold up the other checks or the exit.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

Status = Literal["ok", "warn", "skip", "FAIL"]
GRACE_S = 2.0  # beyond a check's own budget, before the runner gives up on its thread


class CheckFailed(Exception):
    """A check's failure, with the message an operator should read."""


@dataclass(frozen=True)
class Outcome:
    """What a check found: ``FAIL`` (only this makes the doctor exit 1), ``warn``, ``skip`` or ``ok``."""

    status: Status
    detail: str


@dataclass(frozen=True)
class Check:
    """One named check and the seconds it may take."""

    name: str
    run: Callable[[], Outcome]
    budget_s: float


@dataclass(frozen=True)
class Result:
    """A finished check."""

    name: str
    status: Status
    detail: str
    ms: int

    @property
    def ok(self) -> bool:
        """Whether the check passed (a warning or a skipped check does not fail the doctor)."""
        return self.status != "FAIL"


@dataclass(frozen=True)
class Target:
    """Where a server is: its URL (None when neither configured nor recorded) and where that came from."""

    env: str
    url: str | None
    source: str

    def require(self) -> str:
        """The URL, or a failure telling how to get one."""
        if not self.url:
            raise CheckFailed(f"not configured and no `tutor serve` running: start one or set {self.env}")
        return self.url

    def where(self) -> str:
        """The redacted URL and its source, for a detail line."""
        return f"{redact_url(self.url or '')} ({self.source})"


def resolve_targets(configured: dict[str, str | None], var_dir: Path) -> dict[str, Target]:
    """The URL of each server: the setting when set, else what a running ``tutor serve`` recorded.

    Args:
        configured: Environment variable name → configured URL (``MONGODB_URL``, ``REDIS_URL``, ``CHROMA_URL``).
        var_dir: The var folder whose ``runtime.json`` a running ``tutor serve`` writes (and removes at exit).
    """
    try:
        recorded = json.loads((var_dir / "runtime.json").read_text())
    except (OSError, ValueError):
        recorded = {}
    recorded = recorded if isinstance(recorded, dict) else {}
    targets: dict[str, Target] = {}
    for env, url in configured.items():
        if url:
            targets[env] = Target(env, url, env)
        elif isinstance(recorded.get(env), str) and recorded[env]:
            targets[env] = Target(env, recorded[env], "started by `tutor serve`, var/runtime.json")
        else:
            targets[env] = Target(env, None, "unset")
    return targets


def run_checks(checks: Iterable[Check]) -> list[Result]:
    """Run every check at once, each in a daemon thread; a check past its budget fails, the others go on."""
    started: list[tuple[Check, threading.Thread, list[Result]]] = []
    for check in checks:
        box: list[Result] = []
        thread = threading.Thread(target=_run_one, args=(check, box), name=f"doctor-{check.name}", daemon=True)
        thread.start()
        started.append((check, thread, box))
    results = []
    begin = time.monotonic()
    for check, thread, box in started:
        thread.join(max(0.0, begin + check.budget_s + GRACE_S - time.monotonic()))
        if box:
            results.append(box[0])
        else:
            detail = f"no answer within {check.budget_s:g} s"
            results.append(Result(check.name, "FAIL", detail, int((time.monotonic() - begin) * 1000)))
    return results


def _run_one(check: Check, box: list[Result]) -> None:
    start = time.perf_counter()
    try:
        outcome = check.run()
    except CheckFailed as exc:
        outcome = Outcome("FAIL", str(exc))
    except Exception as exc:  # any other error is this check's failure, never the doctor's crash
        outcome = Outcome("FAIL", describe(exc))
    box.append(Result(check.name, outcome.status, outcome.detail, round((time.perf_counter() - start) * 1000)))


@contextmanager
def failing_at(where: str) -> Iterator[None]:
    """Report any error but a :class:`CheckFailed` as a failure reaching ``where``."""
    try:
        yield
    except CheckFailed:
        raise
    except Exception as exc:
        raise CheckFailed(f"cannot reach {where}: {describe(exc)}") from exc


def describe(exc: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    text = text if len(text) <= 240 else text[:237] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def redact_url(url: str) -> str:
    """``url`` without its ``user:password@`` part (replaced by ``***@``)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every URL's credentials and every known secret value replaced by ``***``."""
    text = _USERINFO.sub("***@", text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def render_table(results: list[Result]) -> str:
    """A plain aligned table (check, status, time, detail) and a summary line."""
    rows = [("CHECK", "STATUS", "TIME", "DETAIL")]
    rows += [(r.name, r.status, f"{r.ms} ms", r.detail) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"{name:<{widths[0]}}  {status:<{widths[1]}}  {ms:>{widths[2]}}  {detail}".rstrip()
        for name, status, ms, detail in rows
    ]
    failed = [r.name for r in results if not r.ok]
    warned = sum(r.status == "warn" for r in results)
    note = f" ({warned} with a warning)" if warned else ""
    summary = f"{len(failed)} of {len(results)} checks failed: {', '.join(failed)}" if failed else "all checks passed"
    return "\n".join([*lines, "", summary + note])


def render_json(results: list[Result]) -> str:
    """One JSON object: ``{"ok": bool, "checks": [{"name", "ok", "status", "detail", "ms"}]}``."""
    checks = [{"name": r.name, "ok": r.ok, "status": r.status, "detail": r.detail, "ms": r.ms} for r in results]
    return json.dumps({"ok": all(r.ok for r in results), "checks": checks})
