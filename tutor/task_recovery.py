"""Delivering again the tasks of a worker that died without a goodbye (Redis broker).

With late acknowledgement a task's message stays "unacknowledged" in Redis while it runs. When a pool
process dies, Celery requeues its task at once (``task_reject_on_worker_lost``); when the whole worker
dies (killed, out of memory, machine lost), nothing is left to do that, and Redis gives the message back
only after the visibility timeout, an hour or more. So when a worker starts it asks the live workers
which tasks they hold and puts every other unacknowledged message back in its queue. Tasks are
idempotent, so the rare double delivery (a live worker too slow to answer) costs time, not data.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from celery import Celery

log = logging.getLogger(__name__)
INSPECT_TIMEOUT_S = 3.0
START_DELAY_S = 1.0


def task_id_of(raw: bytes | str) -> str | None:
    """The task id inside an unacknowledged message as kombu stores it (``[payload, exchange, routing_key]``)."""
    try:
        payload = json.loads(raw)[0]
        return str(payload["headers"]["id"])
    except (ValueError, LookupError, TypeError):
        return None


def orphaned(unacked: Mapping[Any, Any], held: Iterable[str]) -> list[str]:
    """Delivery tags of the unacknowledged messages whose task no live worker holds."""
    keep = set(held)
    tags = []
    for tag, raw in unacked.items():
        task_id = task_id_of(raw)
        if task_id is not None and task_id not in keep:
            tags.append(tag.decode() if isinstance(tag, bytes) else str(tag))
    return tags


def held_by_live_workers(app: Celery, timeout_s: float = INSPECT_TIMEOUT_S) -> set[str]:
    """Ids of the tasks every worker that answers is running or has reserved."""
    inspect = app.control.inspect(timeout=timeout_s)
    held: set[str] = set()
    for reply in (inspect.active() or {}, inspect.reserved() or {}):
        for tasks in reply.values():
            held.update(str(task["id"]) for task in tasks)
    return held


def recover_orphaned_tasks(app: Celery) -> int:
    """Requeue the unacknowledged messages no live worker holds; answers how many (0 off Redis)."""
    with app.connection_for_write() as connection:
        if connection.transport.driver_type != "redis":
            return 0
        channel = connection.default_channel
        qos, client = channel.qos, channel.client
        unacked = client.hgetall(qos.unacked_key)
        if not unacked:
            return 0
        tags = orphaned(unacked, held_by_live_workers(app))
        for tag in tags:
            qos.restore_by_tag(tag, client)
    if tags:
        log.warning("requeued %d task(s) left unacknowledged by a worker that is gone", len(tags))
    return len(tags)


def _recover_soon(app: Celery) -> None:
    time.sleep(START_DELAY_S)  # let this worker's own control channel answer the inspection
    try:
        recover_orphaned_tasks(app)
    except Exception:  # recovery is best effort: the visibility timeout still redelivers later
        log.exception("could not look for tasks of dead workers")


def recover_after_start(sender: Any = None, **_: Any) -> None:
    """``worker_ready`` handler: look for orphaned tasks in the background, off the worker's own loop."""
    app = getattr(sender, "app", None)
    if app is not None:
        threading.Thread(target=_recover_soon, args=(app,), name="task-recovery", daemon=True).start()
