"""Building the parts the API, the worker and the CLI share, from settings: one place for all three.

Storage (S3 or ``var/files``), the retrieval service (one per process and store location: the
embedding model loads once), the ingestion pipeline with its per-document caps, and, on the worker
only, the learner model with its trained recommender policy (reloaded when a promotion replaces it).
``app.wiring`` builds the API's services from these, ``app.tasks`` hands them to the background tasks,
and ``app.cli`` to ``tutor ingest``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.limits import DocumentLimits
from ingest.pipeline import IngestPipeline
from ingest.questions.llm import LLMQuestionGenerator
from ingest.questions.local import LocalQuestionGenerator
from ingest.questions.types import QuestionGenerator
from ingest.storage import FileStorage, build_storage
from recommender.learner import LearnerModel, course_model_dir
from recommender.loop.store import ServingPolicy
from recommender.policy_service import PolicyService
from recommender.weakness import WeaknessAnalyzer
from retrieval.service import RetrievalService
from tutor.db import Mongo
from tutor.repositories.bundle import Repositories
from tutor.settings import Settings


def storage_for(settings: Settings) -> FileStorage:
    """S3 when ``S3_BUCKET`` is set, else ``var/files``."""
    return build_storage(
        bucket=settings.s3_bucket,
        local_root=Path(settings.var_dir) / "files",
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
    )


@lru_cache(maxsize=4)
def _retrieval(persist_dir: str, chroma_url: str | None) -> RetrievalService:
    return RetrievalService.create(persist_dir=Path(persist_dir), chroma_url=chroma_url)


def retrieval_for(settings: Settings) -> RetrievalService:
    """The process's retrieval service (one per store location; the embedding model loads once)."""
    return _retrieval(str(Path(settings.var_dir).resolve() / "chroma"), settings.chroma_url)


def pipeline_for(settings: Settings) -> IngestPipeline:
    """An ingestion pipeline over the configured index and storage, with the per-document caps."""
    limits = DocumentLimits(max_pages=settings.max_document_pages, max_chunks=settings.max_document_chunks)
    return IngestPipeline(retrieval_for(settings), storage_for(settings), limits=limits)


def question_generator_for(settings: Settings) -> QuestionGenerator:
    """The configured LLM writes question drafts when there is one; otherwise the offline generator does."""
    if not settings.llm.configured:
        return LocalQuestionGenerator()
    return LLMQuestionGenerator.from_settings(settings)


def policy_path(settings: Settings) -> Path:
    """Where the trained recommender policy is kept."""
    # Written by ``python -m bench.recommender --train-only`` (the sample course's responses-only policy).
    return Path(settings.var_dir) / "models" / "recommender" / "policy_sample_course_responses.pt"


@lru_cache(maxsize=4)
def _serving(path: str) -> ServingPolicy:
    return ServingPolicy(Path(path))


def load_policy(settings: Settings) -> PolicyService:
    """The trained policy, or the heuristic when there is none or it is unreadable.

    Loaded again only when the checkpoint changed on disk (a promotion by the training job, on any machine
    sharing ``var/``), so every refresh serves the newest promoted policy without reading it each time.
    """
    return _serving(str(policy_path(settings).resolve())).current()


def learner_model(mongo: Mongo, settings: Settings, policy: PolicyService | None = None) -> LearnerModel:
    """A learner model whose per-course analyzers load that course's newest checkpoint (worker only)."""
    var = Path(settings.var_dir)

    def analyzer_for(course_id: str) -> WeaknessAnalyzer:
        return WeaknessAnalyzer.from_dir(course_model_dir(var, course_id))

    return LearnerModel(Repositories.over(mongo), analyzer_for, policy or load_policy(settings))
