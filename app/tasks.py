"""The worker's Celery app with every background task registered.

The tasks are written in the packages that own them (``ingest.tasks``, ``ingest.removal_tasks``,
``ingest.question_tasks``, ``recommender.tasks``, ``tutor.lti.tasks``) with ``shared_task``; importing
them here binds them to this app, and wiring them hands them the pipeline, storage, index, question
generator and learner model built in ``app.components``.
"""

from __future__ import annotations

from celery.signals import worker_ready

import ingest.question_tasks
import ingest.removal_tasks
import ingest.tasks
import recommender.tasks
import tutor.lti.tasks
from app.components import learner_model, pipeline_for, question_generator_for, retrieval_for, storage_for
from tutor.celery_app import make_celery
from tutor.task_recovery import recover_after_start

celery_app = make_celery()
ingest.tasks.wire(pipeline_for)
ingest.removal_tasks.wire(storage_for, retrieval_for)
recommender.tasks.wire(learner_model)
ingest.question_tasks.wire(retrieval_for, question_generator_for)
TASKS = (
    ingest.tasks.run_job,
    ingest.removal_tasks.remove_course,
    recommender.tasks.refresh_learner,
    ingest.question_tasks.generate,
    tutor.lti.tasks.send_scores,
)
# A starting worker requeues what a dead worker left unacknowledged (see tutor/task_recovery.py).
worker_ready.connect(recover_after_start)
