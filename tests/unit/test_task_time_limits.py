"""Celery time limits: configured for every task, ingestion's own pair, and checked for sense."""

from __future__ import annotations

import pytest

from tutor.celery_app import make_celery, time_limits
from tutor.settings import ConfigurationError, Settings


def test_defaults_bound_every_task_and_give_ingestion_its_own_pair():
    settings = Settings()
    app = make_celery(settings)
    assert (app.conf.task_soft_time_limit, app.conf.task_time_limit) == (900, 1020)
    assert app.conf.task_annotations["ingest.run_job"] == {"soft_time_limit": 600, "time_limit": 720}
    assert app.conf.worker_pool == "prefork"  # the solo pool ignores time limits
    assert app.conf.broker_transport_options["visibility_timeout"] > 1020


def test_the_registered_ingest_task_carries_its_limits():
    import ingest.tasks  # registers on the shared app

    task = ingest.tasks.run_job
    settings = Settings()
    assert (task.soft_time_limit, task.time_limit) == (
        settings.ingest_soft_time_limit_s,
        settings.ingest_time_limit_s,
    )


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TUTOR_INGEST_SOFT_TIME_LIMIT_S", "30")
    monkeypatch.setenv("TUTOR_INGEST_TIME_LIMIT_S", "45")
    monkeypatch.setenv("TUTOR_TASK_TIME_LIMIT_S", "5000")
    limits = time_limits(Settings())
    assert limits["task_annotations"]["ingest.run_job"] == {"soft_time_limit": 30, "time_limit": 45}
    assert limits["task_time_limit"] == 5000
    assert make_celery(Settings()).conf.broker_transport_options["visibility_timeout"] >= 5600


@pytest.mark.parametrize(("soft", "hard"), [(600, 600), (600, 300)])
def test_a_hard_limit_not_above_the_soft_one_is_refused(soft, hard):
    with pytest.raises(ConfigurationError, match="TUTOR_INGEST_TIME_LIMIT_S"):
        time_limits(Settings(ingest_soft_time_limit_s=soft, ingest_time_limit_s=hard))
