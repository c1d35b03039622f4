"""Logging for operations: one JSON object per line (or plain text for a local run), with request fields.

Each line has ``ts``, ``level``, ``logger`` and ``message``; lines written while a request is handled also
carry its ``request_id`` (and the access line its ``route``, ``method``, ``status``, ``duration_ms`` and
``user``, a hash of the user id, never the id, a name or an email). What could be a secret never reaches a
line: bearer tokens, JWTs and ``password``/``token``/``secret`` fields in a message are masked, as a last
line of defence behind code that never logs them (no password, token, answer key or message body).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import sys
import time
from contextvars import ContextVar
from typing import Any, Literal

from tutor.json_text import to_json

LogFormat = Literal["json", "text"]
# Fields of the request being handled (set by the API's outermost middleware).
REQUEST_FIELDS: ContextVar[dict[str, Any] | None] = ContextVar("tutor_log_fields", default=None)
EXTRA_FIELDS = ("route", "method", "status", "duration_ms", "user", "task", "job")
_SECRETS = (
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}"), "Bearer [redacted]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), "[redacted-jwt]"),
    (
        re.compile(r"""(?i)(["']?\b(?:password|passwd|secret|api_key|access_token|refresh_token|token)\b["']?\s*[:=]\s*)"""
                   r"""("[^"]*"|'[^']*'|[^\s,&}]+)"""),
        r"\1[redacted]",
    ),
)  # fmt: skip


# Every pattern above needs one of these words: text without any of them is returned as it is, at the
# cost of one search instead of three substitutions (an access line is written for every request).
_MAYBE_SECRET = re.compile(r"(?i)bearer|eyJ|passw|secret|api_key|token")


def redact(text: str) -> str:
    """``text`` with bearer tokens, JWTs and password/token/secret values masked."""
    if _MAYBE_SECRET.search(text) is None:
        return text
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def user_hash(user_id: str | None) -> str | None:
    """A short, stable hash of a user id, for telling one user's requests apart without naming them."""
    return _hash_of(user_id) if user_id else None


@functools.lru_cache(maxsize=4096)  # one per request otherwise: the same users make most requests
def _hash_of(user_id: str) -> str:
    return hashlib.sha256(f"tutor-log|{user_id}".encode()).hexdigest()[:12]


_SECOND: dict[int, str] = {}  # the last second formatted: lines arrive in time order


def iso_utc(created: float) -> str:
    """``created`` (seconds since the epoch) in ISO 8601, UTC, with milliseconds: ``2026-12-01T14:55:01.123+00:00``."""
    second = int(created)
    prefix = _SECOND.get(second)
    if prefix is None:
        _SECOND.clear()
        prefix = _SECOND[second] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
    return f"{prefix}.{int((created - second) * 1000):03d}+00:00"


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        line: dict[str, Any] = {
            "ts": iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        line.update(REQUEST_FIELDS.get() or {})
        given = record.__dict__
        line.update({name: given[name] for name in EXTRA_FIELDS if name in given})
        if record.exc_info:
            line["exc_info"] = redact(self.formatException(record.exc_info))
        return to_json(line)


class TextFormatter(logging.Formatter):
    """``time level logger: message`` (plus the request id), redacted like the JSON lines."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of text (a traceback follows on its own lines)."""
        text = redact(super().format(record))
        request_id = (REQUEST_FIELDS.get() or {}).get("request_id")
        return f"{text} request_id={request_id}" if request_id and "request_id=" not in text else text


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is written (a test runner swaps it and closes the old one)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        return


def configure_logging(log_format: LogFormat = "json", level: int = logging.INFO) -> None:
    """Send every log line to stderr in ``log_format`` (replacing the handler an earlier call installed).

    Like ``logging.basicConfig``, it adds no handler where the root logger already has someone else's (a
    test runner's, which captures the lines itself).
    """
    handler = _Stderr()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    ours = [old for old in root.handlers if isinstance(old, _Stderr)]
    for old in ours:
        root.removeHandler(old)
    if ours or not root.handlers:
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per chromadb call otherwise
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # The API writes its own access line (tutor.access, with the request id and the route template).
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
