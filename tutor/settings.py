"""Typed settings, one group per subsystem.

Every field reads from the environment (names in the README). Nested groups use a flat, documented
variable name each (``MONGODB_URL``, ``JWT_SECRET``...) so operators never need the ``__`` syntax.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, BeforeValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tutor.cpu import MAX_WORKERS, default_workers
from tutor.secret_file import SecretFileError, read_or_create_secret


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class MongoSettings(BaseModel):
    """MongoDB connection."""

    url: str | None = Field(None, description="MongoDB URL; unset starts the embedded SecantusDB server.")
    database: str = Field("tutor", description="Database name.")


class RedisSettings(BaseModel):
    """Redis, the Celery broker and result backend."""

    url: str | None = Field(None, description="Redis URL; unset starts the embedded redis-server.")


class S3Settings(BaseModel):
    """Object storage for original course files."""

    bucket: str | None = Field(None, description="S3 bucket; unset keeps files in a local folder.")
    endpoint_url: str | None = Field(None, description="S3 endpoint override (MinIO, moto).")
    region: str = Field("us-east-1", description="S3 region.")


class LLMSettings(BaseModel):
    """The chat model. With no base URL and no key, the offline local tutor model answers."""

    api_key: str | None = Field(None, description="API key of the OpenAI-compatible endpoint.")
    base_url: str | None = Field(None, description="Base URL of the OpenAI-compatible endpoint.")
    model: str = Field("gpt-4o-mini", description="Model name sent to the endpoint.")
    timeout_s: float = Field(30.0, description="Per-request timeout in seconds.")
    max_retries: int = Field(2, description="Retries on 429/5xx/timeouts before falling back.")

    @property
    def configured(self) -> bool:
        """Whether a remote LLM endpoint is configured."""
        return bool(self.base_url or self.api_key)


class JWTSettings(BaseModel):
    """Token signing. The algorithm is pinned to HS256."""

    secret: str | None = Field(None, description="HMAC secret; required in production.")
    issuer: str = Field("tutor-service", description="`iss` claim issued and required.")
    audience: str = Field("tutor-api", description="`aud` claim issued and required.")
    access_ttl_s: int = Field(900, description="Access-token lifetime in seconds.")
    refresh_ttl_s: int = Field(14 * 24 * 3600, description="Refresh-token lifetime in seconds.")


class RetrievalSettings(BaseModel):
    """Vector store location."""

    chroma_url: str | None = Field(None, description="chromadb server URL; unset uses a local store in var/.")


class PolicyTrainingSettings(BaseModel):
    """The periodic job that fine-tunes the recommender policy on feedback and simulation, then gates it."""

    interval_s: float = Field(86400.0, description="Seconds between scheduled runs; 0 schedules none.")
    iterations: int = Field(30, description="PPO batches of fine-tuning per run.")
    budget_s: float = Field(120.0, description="Wall-clock cap of the fine-tuning, in seconds.")
    eval_learners: int = Field(300, description="Simulated learners per held-out evaluation seed.")
    eval_seeds: int = Field(3, description="Held-out simulator seeds both policies are evaluated on.")
    tolerance: float = Field(0.01, description="How far (in E_p) a candidate may fall short and still be promoted.")
    min_students: int = Field(20, description="One student's share of the feedback term is <= 1/max(students, this).")


class Settings(BaseSettings):
    """All service settings."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    env: Literal["development", "production", "test"] = Field("development", validation_alias=_env("TUTOR_ENV"))
    var_dir: Path = Field(Path("var"), validation_alias=_env("TUTOR_VAR_DIR"))
    host: str = Field("127.0.0.1", validation_alias=_env("TUTOR_HOST"))
    port: int = Field(8000, validation_alias=_env("TUTOR_PORT"))
    allow_instructor_signup: bool = Field(False, validation_alias=_env("TUTOR_ALLOW_INSTRUCTOR_SIGNUP"))
    max_upload_mb: float = Field(20.0, validation_alias=_env("TUTOR_MAX_UPLOAD_MB"))
    chat_rate_per_min: int = Field(20, validation_alias=_env("TUTOR_CHAT_RATE_PER_MIN"))
    # Failed logins allowed per account and per client address within the window before 429.
    login_max_failures: int = Field(5, ge=1, validation_alias=_env("TUTOR_LOGIN_MAX_FAILURES"))
    login_address_max_failures: int = Field(5, ge=1, validation_alias=_env("TUTOR_LOGIN_ADDRESS_MAX_FAILURES"))
    login_window_s: int = Field(900, ge=1, validation_alias=_env("TUTOR_LOGIN_WINDOW_S"))
    # Resource caps: a thread keeps this many live messages (older ones move to the archive); an uploaded
    # document over either cap fails with a per-file error instead of filling the index.
    chat_max_messages: int = Field(200, ge=2, validation_alias=_env("TUTOR_CHAT_MAX_MESSAGES"))
    max_document_pages: int = Field(500, ge=1, validation_alias=_env("TUTOR_MAX_DOCUMENT_PAGES"))
    max_document_chunks: int = Field(2000, ge=1, validation_alias=_env("TUTOR_MAX_DOCUMENT_CHUNKS"))
    # Celery time limits in seconds (soft: the task is told and records why it stopped; hard: it is killed).
    ingest_soft_time_limit_s: int = Field(600, gt=0, validation_alias=_env("TUTOR_INGEST_SOFT_TIME_LIMIT_S"))
    ingest_time_limit_s: int = Field(720, gt=0, validation_alias=_env("TUTOR_INGEST_TIME_LIMIT_S"))
    task_soft_time_limit_s: int = Field(900, gt=0, validation_alias=_env("TUTOR_TASK_SOFT_TIME_LIMIT_S"))
    task_time_limit_s: int = Field(1020, gt=0, validation_alias=_env("TUTOR_TASK_TIME_LIMIT_S"))
    worker_concurrency: int = Field(1, ge=1, validation_alias=_env("TUTOR_WORKER_CONCURRENCY"))
    # How long a process may answer the catalogue and course pages from memory before it checks every
    # course's version again (a write through the same process is seen at once); 0 checks on every read.
    catalogue_cache_s: float = Field(1.0, ge=0, le=60, validation_alias=_env("TUTOR_CATALOGUE_CACHE_S"))
    # How long a read-only request may take the caller's account (session version, name) as checked
    # before by this process (its own writes are seen at once; requests that write always check afresh).
    auth_cache_s: float = Field(1.0, ge=0, le=60, validation_alias=_env("TUTOR_AUTH_CACHE_S"))
    # Threads of the one bounded pool that runs CPU work off the event loop (tutor.cpu.run_cpu).
    cpu_workers: int = Field(
        default_factory=default_workers, ge=1, le=MAX_WORKERS, validation_alias=_env("TUTOR_CPU_WORKERS")
    )

    # The recommender policy's feedback loop (see PolicyTrainingSettings for what each does).
    policy_train_interval_s: float = Field(86400.0, ge=0, validation_alias=_env("TUTOR_POLICY_TRAIN_INTERVAL_S"))
    policy_train_iterations: int = Field(30, ge=1, le=100_000, validation_alias=_env("TUTOR_POLICY_TRAIN_ITERATIONS"))
    policy_train_budget_s: float = Field(120.0, gt=0, validation_alias=_env("TUTOR_POLICY_TRAIN_BUDGET_S"))
    policy_eval_learners: int = Field(300, ge=10, le=100_000, validation_alias=_env("TUTOR_POLICY_EVAL_LEARNERS"))
    policy_eval_seeds: int = Field(3, ge=1, le=100, validation_alias=_env("TUTOR_POLICY_EVAL_SEEDS"))
    policy_tolerance: float = Field(0.01, ge=0, le=1, validation_alias=_env("TUTOR_POLICY_TOLERANCE"))
    policy_min_students: int = Field(20, ge=1, le=100_000, validation_alias=_env("TUTOR_POLICY_MIN_STUDENTS"))

    # Tutor usage: prices per 1,000 tokens per model, as JSON {"model": [prompt, completion]} (a model not
    # listed costs 0), the currency they are in, and the LLM tokens a turn reserves against a course's caps
    # before it starts (at least the largest turn seen under that cap is reserved).
    llm_prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict, validation_alias=_env("TUTOR_LLM_PRICES")
    )
    llm_currency: str = Field("USD", min_length=1, max_length=10, validation_alias=_env("TUTOR_LLM_CURRENCY"))
    chat_turn_reserve_tokens: int = Field(
        2000, ge=1, le=1_000_000, validation_alias=_env("TUTOR_CHAT_TURN_RESERVE_TOKENS")
    )

    # Operations: log lines as JSON objects or plain text; the bearer token a remote Prometheus presents at
    # /metrics (loopback needs none); the port each worker serves its metrics on (unset: none).
    log_format: Literal["json", "text"] = Field("json", validation_alias=_env("TUTOR_LOG_FORMAT"))
    metrics_token: Annotated[str | None, BeforeValidator(lambda v: v or None)] = Field(
        None, min_length=16, validation_alias=_env("METRICS_TOKEN")
    )  # an empty METRICS_TOKEN (compose's default) means none
    worker_metrics_port: int | None = Field(None, ge=1, le=65535, validation_alias=_env("TUTOR_WORKER_METRICS_PORT"))

    mongodb_url: str | None = Field(None, validation_alias=_env("MONGODB_URL"))
    mongodb_db: str = Field("tutor", validation_alias=_env("MONGODB_DB"))
    redis_url: str | None = Field(None, validation_alias=_env("REDIS_URL"))
    s3_bucket: str | None = Field(None, validation_alias=_env("S3_BUCKET"))
    s3_endpoint_url: str | None = Field(None, validation_alias=_env("S3_ENDPOINT_URL"))
    s3_region: str = Field("us-east-1", validation_alias=_env("S3_REGION", "AWS_DEFAULT_REGION"))
    openai_api_key: str | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=_env("LLM_MODEL"))
    llm_timeout_s: float = Field(30.0, validation_alias=_env("LLM_TIMEOUT_S"))
    llm_max_retries: int = Field(2, validation_alias=_env("LLM_MAX_RETRIES"))
    jwt_secret: str | None = Field(None, validation_alias=_env("JWT_SECRET"))
    jwt_issuer: str = Field("tutor-service", validation_alias=_env("JWT_ISSUER"))
    jwt_audience: str = Field("tutor-api", validation_alias=_env("JWT_AUDIENCE"))
    jwt_access_ttl_s: int = Field(900, validation_alias=_env("JWT_ACCESS_TTL_S"))
    jwt_refresh_ttl_s: int = Field(14 * 24 * 3600, validation_alias=_env("JWT_REFRESH_TTL_S"))
    chroma_url: str | None = Field(None, validation_alias=_env("CHROMA_URL"))
    # The address browsers and LMS platforms reach this service at (LTI redirect and launch URLs).
    public_url: str | None = Field(None, validation_alias=_env("TUTOR_PUBLIC_URL"))
    # The LTI tool's RSA private key (PEM); unset keeps a generated one in var/lti_keys/.
    lti_private_key: str | None = Field(None, validation_alias=_env("LTI_PRIVATE_KEY"))
    # The public key (PEM) the previous LTI key had, still published while platforms move to the new one.
    lti_previous_public_key: str | None = Field(None, validation_alias=_env("LTI_PREVIOUS_PUBLIC_KEY"))

    @property
    def base_url(self) -> str:
        """Where this service is reached: ``TUTOR_PUBLIC_URL``, else ``http://host:port``."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def mongo(self) -> MongoSettings:
        """MongoDB group."""
        return MongoSettings(url=self.mongodb_url, database=self.mongodb_db)

    @property
    def redis(self) -> RedisSettings:
        """Redis group."""
        return RedisSettings(url=self.redis_url)

    @property
    def s3(self) -> S3Settings:
        """S3 group."""
        return S3Settings(bucket=self.s3_bucket, endpoint_url=self.s3_endpoint_url, region=self.s3_region)

    @property
    def llm(self) -> LLMSettings:
        """LLM group."""
        return LLMSettings(
            api_key=self.openai_api_key,
            base_url=self.openai_base_url,
            model=self.llm_model,
            timeout_s=self.llm_timeout_s,
            max_retries=self.llm_max_retries,
        )

    @property
    def jwt(self) -> JWTSettings:
        """JWT group; the secret is resolved by :func:`resolve_jwt_secret`."""
        return JWTSettings(
            secret=resolve_jwt_secret(self),
            issuer=self.jwt_issuer,
            audience=self.jwt_audience,
            access_ttl_s=self.jwt_access_ttl_s,
            refresh_ttl_s=self.jwt_refresh_ttl_s,
        )

    @property
    def retrieval(self) -> RetrievalSettings:
        """Retrieval group."""
        return RetrievalSettings(chroma_url=self.chroma_url)

    @property
    def policy_training(self) -> PolicyTrainingSettings:
        """Recommender policy training group."""
        return PolicyTrainingSettings(
            interval_s=self.policy_train_interval_s,
            iterations=self.policy_train_iterations,
            budget_s=self.policy_train_budget_s,
            eval_learners=self.policy_eval_learners,
            eval_seeds=self.policy_eval_seeds,
            tolerance=self.policy_tolerance,
            min_students=self.policy_min_students,
        )

    @property
    def max_upload_bytes(self) -> int:
        """Upload size limit in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)


class ConfigurationError(RuntimeError):
    """The settings cannot run the service (e.g. a production deployment without a JWT secret)."""


MIN_PRODUCTION_SECRET_BYTES = 32


def check_production(settings: Settings) -> None:
    """Refuse settings that must not run in production (``TUTOR_ENV=production``).

    Raises:
        ConfigurationError: ``JWT_SECRET`` is unset or shorter than 32 bytes.
    """
    if settings.env != "production":
        return
    if not settings.jwt_secret:
        raise ConfigurationError("JWT_SECRET must be set when TUTOR_ENV=production")
    size = len(settings.jwt_secret.encode())
    if size < MIN_PRODUCTION_SECRET_BYTES:
        raise ConfigurationError(
            f"JWT_SECRET is {size} bytes; at least {MIN_PRODUCTION_SECRET_BYTES} are required when "
            "TUTOR_ENV=production (generate one: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )


def resolve_jwt_secret(settings: Settings) -> str:
    """Return the configured JWT secret, or a generated one kept in ``var/`` for local runs.

    Production refuses to start without a ``JWT_SECRET`` of at least 32 bytes, so that tokens survive
    restarts, are shared by every API replica and cannot be brute-forced.
    """
    check_production(settings)
    if settings.jwt_secret:
        return settings.jwt_secret
    try:
        return read_or_create_secret(settings.var_dir / "jwt_secret")
    except SecretFileError as exc:
        raise ConfigurationError(str(exc)) from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once from the environment."""
    return Settings()
