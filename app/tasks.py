"""The worker's Celery app with every background task registered.

The tasks are written in the packages that own them (``ingest.tasks``, ``ingest.removal_tasks``,
``ingest.question_tasks``, ``recommender.tasks``, ``recommender.policy_tasks``, ``tutor.lti.tasks``) with
``shared_task``; importing them here binds them to this app, and wiring them hands them the pipeline,
storage, index, question generator, learner model and the serving policy's path built in
``app.components``. The beat schedule (run by ``tutor beat``, or ``tutor worker --beat``) queues the
recommender policy's training job every ``TUTOR_POLICY_TRAIN_INTERVAL_S`` seconds.
"""

from __future__ import annotations

from celery.signals import worker_ready

import ingest.question_tasks
import ingest.removal_tasks
import ingest.tasks
import recommender.policy_tasks
import recommender.tasks
import tutor.lti.tasks
from app import worker_observability
from app.components import (
    learner_model,
    pipeline_for,
    policy_path,
    question_generator_for,
    retrieval_for,
    storage_for,
)
from tutor.celery_app import make_celery
from tutor.settings import get_settings
from tutor.task_recovery import recover_after_start

celery_app = make_celery()
ingest.tasks.wire(pipeline_for)
ingest.removal_tasks.wire(storage_for, retrieval_for)
recommender.tasks.wire(learner_model)
recommender.policy_tasks.wire(policy_path)
celery_app.conf.beat_schedule = recommender.policy_tasks.beat_schedule(get_settings())
ingest.question_tasks.wire(retrieval_for, question_generator_for)
TASKS = (
    ingest.tasks.run_job,
    ingest.removal_tasks.remove_course,
    recommender.tasks.refresh_learner,
    recommender.policy_tasks.train_policy,
    ingest.question_tasks.generate,
    tutor.lti.tasks.send_scores,
)
# A starting worker requeues what a dead worker left unacknowledged (see tutor/task_recovery.py).
worker_ready.connect(recover_after_start)
# Task spans continuing the API's traces, job metrics, and the worker's metrics port.
worker_observability.connect()
