"""The worker's Celery app with every background task registered.

The tasks are written in the packages that own them (``ingest.tasks``, ``ingest.removal_tasks``,
``recommender.tasks``) with ``shared_task``; importing them here binds them to this app.
"""

from __future__ import annotations

from celery.signals import worker_ready

import ingest.removal_tasks
import ingest.tasks
import recommender.tasks
from tutor.celery_app import make_celery
from tutor.task_recovery import recover_after_start

celery_app = make_celery()
TASKS = (ingest.tasks.run_job, ingest.removal_tasks.remove_course, recommender.tasks.refresh_learner)
# A starting worker requeues what a dead worker left unacknowledged (see tutor/task_recovery.py).
worker_ready.connect(recover_after_start)
