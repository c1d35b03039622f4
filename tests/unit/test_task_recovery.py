"""Which unacknowledged messages a starting worker puts back in the queue."""

from __future__ import annotations

import json

from tutor.task_recovery import orphaned, task_id_of


def stored(task_id: str) -> bytes:
    """An unacknowledged message as kombu's Redis transport stores it."""
    payload = {"body": "W10=", "headers": {"id": task_id, "task": "ingest.run_job"}, "properties": {}}
    return json.dumps([payload, "", "celery"]).encode()


def test_only_messages_no_live_worker_holds_are_orphans():
    unacked = {b"tag-dead": stored("t-dead"), b"tag-live": stored("t-live"), "tag-other": stored("t-other")}
    assert sorted(orphaned(unacked, {"t-live"})) == ["tag-dead", "tag-other"]
    assert orphaned(unacked, {"t-dead", "t-live", "t-other"}) == []


def test_an_unreadable_message_is_left_alone():
    assert task_id_of(b"not json") is None
    assert task_id_of(json.dumps([{"headers": {}}, "", "celery"])) is None
    assert orphaned({b"tag": b"[]"}, set()) == []
