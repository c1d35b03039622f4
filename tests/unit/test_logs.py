"""Log lines for operations: JSON objects with the request's fields, and nothing that could be a secret."""

from __future__ import annotations

import json
import logging

from tutor.logs import REQUEST_FIELDS, JsonFormatter, TextFormatter, redact, user_hash


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("tutor.test", logging.WARNING, __file__, 1, message, args, None)
    for name, value in extra.items():
        setattr(record, name, value)
    return record


def test_a_json_line_has_the_request_fields_and_the_access_fields() -> None:
    token = REQUEST_FIELDS.set({"request_id": "abc123"})
    try:
        line = json.loads(JsonFormatter().format(_record("GET %s", "/api/x", route="/api/x", status=200)))
    finally:
        REQUEST_FIELDS.reset(token)
    assert line["message"] == "GET /api/x" and line["level"] == "WARNING" and line["logger"] == "tutor.test"
    assert line["request_id"] == "abc123" and line["route"] == "/api/x" and line["status"] == 200 and line["ts"]
    outside = json.loads(JsonFormatter().format(_record("no request")))
    assert "request_id" not in outside


def test_secrets_are_masked_in_messages_and_tracebacks() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl"
    for text, secret in [
        (f"Authorization: Bearer {jwt}", jwt),
        ("login with password=hunter2hunter2", "hunter2hunter2"),
        ('{"password": "correct horse battery", "email": "a@b.c"}', "correct horse battery"),
        ("refresh_token: 'abcdef0123456789'", "abcdef0123456789"),
        (f"token {jwt} in a sentence", jwt),
    ]:
        masked = redact(text)
        assert secret not in masked and "redacted" in masked, masked
    assert redact("How do I loop over a list?") == "How do I loop over a list?"
    try:
        raise ValueError(f"bad header Bearer {jwt}")
    except ValueError:
        import sys

        record = _record("failed")
        record.exc_info = sys.exc_info()
    for formatter in (JsonFormatter(), TextFormatter()):
        assert jwt not in formatter.format(record)


def test_users_are_hashed_stably_and_never_shown() -> None:
    assert user_hash("user-1") == user_hash("user-1") != user_hash("user-2")
    assert "user-1" not in (user_hash("user-1") or "") and user_hash(None) is None


def test_odd_text_still_makes_one_masked_json_line() -> None:
    # A file name decoded with surrogateescape holds lone surrogates, which msgspec refuses to encode.
    record = _record("upload %s failed with password=%s", "f\udcffile.pdf", "hunter2hunter2")
    line = JsonFormatter().format(record)
    assert "hunter2" not in line and json.loads(line)["message"].startswith("upload f\udcffile.pdf failed")
    when = _record("at a known time")
    when.created = 1_700_000_000.9996
    assert json.loads(JsonFormatter().format(when))["ts"] == "2023-11-14T22:13:20.999+00:00"
