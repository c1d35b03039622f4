"""The raw-body JSON nesting check: exact at the limit, blind to brackets inside strings, linear."""

from __future__ import annotations

import json

import pytest

from api.json_limits import MAX_JSON_DEPTH, nesting_exceeds


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_exact_at_the_limit() -> None:
    assert not nesting_exceeds(_nested(MAX_JSON_DEPTH))
    assert nesting_exceeds(_nested(MAX_JSON_DEPTH + 1))
    assert nesting_exceeds(b'{"a":' * 5000)
    assert nesting_exceeds(b"[" * 5000)  # unclosed: the decoder would recurse all the same


@pytest.mark.parametrize(
    "text",
    ["[" * 500, "{[" * 300, '\\"' + "[" * 500, "\\\\" * 3 + "{" * 200, '"]]]]' * 100],
)
def test_brackets_inside_strings_do_not_count(text: str) -> None:
    body = json.dumps({"text": text, "list": [[1, 2]] * 100}).encode()
    assert not nesting_exceeds(body)
    assert nesting_exceeds(body[:-1] + b', "deep": ' + _nested(MAX_JSON_DEPTH + 1) + b"}")


def test_escapes_are_read_as_json_reads_them() -> None:
    # The string ends after an escaped backslash, so the brackets that follow are structure.
    assert nesting_exceeds(b'["\\\\", ' + b"[" * 70)
    # An escaped quote does not end the string: the brackets stay inside it.
    assert not nesting_exceeds(b'["\\"' + b"[" * 70)


def test_state_carries_across_chunks() -> None:
    long_string = b'"' + b"[" * (3 << 20) + b'"'
    assert not nesting_exceeds(b"[" + long_string + b", " + _nested(MAX_JSON_DEPTH - 1) + b"]")
    assert nesting_exceeds(b"[" + long_string + b", " + _nested(MAX_JSON_DEPTH) + b"]")
    assert nesting_exceeds(b"[" * 40 + b" " * (3 << 20) + b"[" * 40)
