"""Requests a schema-driven generator does not make: preflights, pathological JSON, ids that are not ids.

Each is built from the schema's paths, so a new route gets them too: ``OPTIONS`` on every path without
credentials, every operation with odd ids in its path, and every operation that takes a JSON body with
bodies no client should send (nesting thousands deep, NUL bytes, invalid UTF-8, numbers beyond float).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

DEPTH = 5000
JSON = "application/json"
ODD_IDS = ("a.b", "$where", "..", "x" * 300, "\u202eevil", "1e3", "a b", "a\x00b")
_PARAM = re.compile(r"\{([^}]+)\}")
_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Probe:
    """One request to send."""

    method: str
    url: str
    body: bytes | None = None
    content_type: str | None = None
    authenticated: bool = True


def hostile_bodies() -> list[tuple[bytes, str]]:
    """``(body, content type)`` pairs that must each be a clean 4xx wherever a JSON body is accepted."""
    nul = {"message": "a\u0000b", "title": "a\u0000b", "course_id": "a\u0000b", "email": "a\u0000@b.co"}
    return [
        (b"[" * DEPTH + b"]" * DEPTH, JSON),
        (b'{"a":' * DEPTH + b"1" + b"}" * DEPTH, JSON),
        (json.dumps(nul).encode(), JSON),
        (b'{"message": "\xff\xfe", "title": "\xc3"}', JSON),
        (b'{"price": 1e999, "duration_hours": 123456789012345678901234567890, "time_spent": -1e400}', JSON),
        (b"{", JSON),
        (b"", JSON),
        (b"null", JSON),
        (b"a=1&b=2", "application/x-www-form-urlencoded"),
    ]


def fill(path: str, values: dict[str, str]) -> str:
    """The path with each ``{name}`` replaced by its value, percent-encoded as one segment."""
    return _PARAM.sub(lambda m: quote(values.get(m.group(1), "missing"), safe=""), path)


def path_parameters(schema: dict[str, Any]) -> set[str]:
    """Names of every path parameter in the schema."""
    return {name for path in schema["paths"] for name in _PARAM.findall(path)}


def probes(schema: dict[str, Any], real: dict[str, str]) -> Iterator[Probe]:
    """Every probe for ``schema``; ``real`` holds ids of existing records by parameter name."""
    for path, item in schema["paths"].items():
        yield Probe("OPTIONS", fill(path, real), authenticated=False)
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            takes_json = JSON in operation.get("requestBody", {}).get("content", {})
            if _PARAM.search(path):
                for odd in ODD_IDS:
                    yield Probe(method.upper(), fill(path, dict.fromkeys(_PARAM.findall(path), odd)))
            if takes_json:
                for body, content_type in hostile_bodies():
                    yield Probe(method.upper(), fill(path, real), body, content_type)
