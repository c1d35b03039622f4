"""The Celery task (and its schedule) that trains, judges and maybe promotes the recommender policy.

``app.tasks`` (the worker's composition root) wires it with where the serving checkpoint lives and puts
:func:`beat_schedule` into the Celery app, so ``tutor beat`` (or a worker started with ``--beat``) queues
it every ``TUTOR_POLICY_TRAIN_INTERVAL_S`` seconds. ``tutor policy train`` runs the same job on demand.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from celery import shared_task

from recommender.loop.config import LoopConfig
from recommender.loop.job import run_policy_update
from tutor.db import Mongo
from tutor.repositories.bundle import Repositories
from tutor.settings import Settings, get_settings

TASK_NAME = "recommender.train_policy"
_policy_path: list[Callable[[Settings], Path]] = []


def wire(policy_path: Callable[[Settings], Path]) -> None:
    """Tell the task where the serving checkpoint lives; the worker's composition root (``app.tasks``) calls this."""
    _policy_path[:] = [policy_path]


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """The periodic entry of the training job (none when ``TUTOR_POLICY_TRAIN_INTERVAL_S`` is 0)."""
    interval = settings.policy_training.interval_s
    if interval <= 0:
        return {}
    return {"train-recommender-policy": {"task": TASK_NAME, "schedule": interval, "kwargs": {"trigger": "schedule"}}}


async def _run(settings: Settings, trigger: str, iterations: int | None) -> dict[str, Any]:
    if not _policy_path:
        raise RuntimeError("recommender.policy_tasks is not wired: the worker's Celery app (app.tasks) wires it")
    config = LoopConfig.from_settings(settings, **({"iterations": iterations} if iterations else {}))
    mongo = Mongo(settings.mongodb_url or "", settings.mongodb_db)
    try:
        # Several schedulers (say, two workers started with --beat) still train once per interval.
        gap = settings.policy_training.interval_s / 2 if trigger == "schedule" else 0.0
        doc = await run_policy_update(Repositories.over(mongo), config, _policy_path[0](settings), trigger, gap)
    finally:
        await mongo.close()
    if doc is None:
        return {"decision": "skipped", "reason": "another run is in progress, or one ended moments ago"}
    return {k: doc[k] for k in ("decision", "reason", "serving_ep", "candidate_ep", "n_feedback", "n_students")}


@shared_task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True)
def train_policy(trigger: str = "task", iterations: int | None = None) -> dict[str, Any]:
    """Fine-tune a candidate policy on feedback and simulation; promote it only if it is not worse."""
    return asyncio.run(_run(get_settings(), trigger[:32], iterations if isinstance(iterations, int) else None))
