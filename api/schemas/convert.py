"""Turning a service's answer into a route's response schema, without changing a byte of the wire format.

``msgspec.convert`` drops keys a Struct does not declare and fills defaults for keys a document
lacks, either of which would silently change what clients receive. In strict mode
(``TUTOR_STRICT_RESPONSES=1``, set by the test suite) :func:`typed` therefore checks that the typed
value encodes to exactly the service's answer and raises :class:`SchemaDrift` naming the difference.
Elsewhere a mismatch is logged and the service's answer is sent as it is (a client gets today's body
rather than a 500), and the check is skipped: it costs about three conversions. The variable is read
once per process; :func:`set_strict` overrides it.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any, TypeVar, cast

import msgspec

log = logging.getLogger("tutor.api.schemas")
T = TypeVar("T")

STRICT_ENV = "TUTOR_STRICT_RESPONSES"
_strict: bool | None = None  # None: as the environment says


class SchemaDrift(RuntimeError):
    """A service's answer and its response schema disagree (raised only in strict mode)."""


def set_strict(strict: bool | None) -> None:
    """Check every conversion exactly (``True``), log mismatches and pass the answer through (``False``),
    or do as ``TUTOR_STRICT_RESPONSES`` says (``None``, the default)."""
    global _strict
    _strict = strict


def is_strict() -> bool:
    """Whether :func:`typed` checks its conversions exactly."""
    return _strict if _strict is not None else _strict_by_environment()


@functools.cache  # read once: it is asked on every response
def _strict_by_environment() -> bool:
    return os.environ.get(STRICT_ENV) == "1"


def typed(value: Any, schema: type[T]) -> T:
    """``value`` (a service's answer: dicts, lists, datetimes) as an instance of ``schema``.

    Args:
        value: The service's answer.
        schema: The route's response type, e.g. ``CourseOut`` or ``list[EnrollmentOut]``.

    Raises:
        SchemaDrift: In strict mode, when ``value`` does not fit ``schema`` or a key would be
            dropped, added or changed by the conversion.
    """
    try:
        converted = msgspec.convert(value, schema)
    except msgspec.ValidationError as exc:
        return _mismatch(value, schema, str(exc))
    if is_strict():
        before, after = msgspec.to_builtins(value), msgspec.to_builtins(converted)
        if before != after:
            return _mismatch(value, schema, first_difference(before, after))
    return converted


def _mismatch(value: Any, schema: type[T], problem: str) -> T:
    name = getattr(schema, "__name__", str(schema))
    if is_strict():
        raise SchemaDrift(f"the answer does not match {name}: {problem}")
    log.error("response does not match %s (sent as the service answered): %s", name, problem)
    return cast(T, value)


def first_difference(before: Any, after: Any, path: str = "$") -> str:
    """Where two JSON-like values first differ, e.g. ``$.modules[0].summary: missing after conversion``."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before:
            if key not in after:
                return f"{path}.{key}: dropped by the schema"
        for key in after:
            if key not in before:
                return f"{path}.{key}: added by the schema"
        for key in before:
            if before[key] != after[key]:
                return first_difference(before[key], after[key], f"{path}.{key}")
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new:
                return first_difference(old, new, f"{path}[{index}]")
    return f"{path}: {before!r} became {after!r}"
