"""The worker's composition root hands every background task its builders; an unwired task says so."""

from __future__ import annotations

import pytest

import app.components
import app.tasks
import ingest.question_tasks
import ingest.removal_tasks
import ingest.tasks
import recommender.policy_tasks
import recommender.tasks
from tutor.settings import Settings


def test_the_worker_app_wires_every_task_with_the_shared_builders() -> None:
    assert app.tasks.celery_app is not None
    assert ingest.tasks._pipeline == [app.components.pipeline_for]
    assert ingest.removal_tasks._storage == [app.components.storage_for]
    assert ingest.removal_tasks._retrieval == [app.components.retrieval_for]
    assert recommender.tasks._learner == [app.components.learner_model]
    assert recommender.policy_tasks._policy_path == [app.components.policy_path]
    assert app.tasks.celery_app.conf.beat_schedule["train-recommender-policy"]["task"] == "recommender.train_policy"
    assert ingest.question_tasks._builders == [(app.components.retrieval_for, app.components.question_generator_for)]


def test_the_question_generator_is_the_llm_when_one_is_configured_else_the_offline_one() -> None:
    offline = app.components.question_generator_for(Settings())
    assert offline.name == "local-v1"
    llm = app.components.question_generator_for(
        Settings(openai_base_url="http://127.0.0.1:9/v1", openai_api_key="k", llm_model="some-model")
    )
    assert llm.name == "some-model"


def test_an_unwired_question_task_names_what_wires_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest.question_tasks, "_builders", [])
    with pytest.raises(RuntimeError, match=r"app\.tasks"):
        ingest.question_tasks.generate.run("job-1")


async def test_an_unwired_task_names_what_wires_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recommender.tasks, "_learner", [])
    with pytest.raises(RuntimeError, match=r"app\.tasks"):
        await recommender.tasks._refresh(Settings(mongodb_url="mongodb://127.0.0.1:9"), "u1")
    monkeypatch.setattr(recommender.policy_tasks, "_policy_path", [])
    with pytest.raises(RuntimeError, match=r"app\.tasks"):
        await recommender.policy_tasks._run(Settings(mongodb_url="mongodb://127.0.0.1:9"), "task", None)
