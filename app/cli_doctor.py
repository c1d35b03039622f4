"""``tutor doctor``: check the settings and reach every configured service; exit 1 when anything fails.

Servers come from the settings, else from ``var/runtime.json`` (what a running ``tutor serve`` started);
the doctor never starts a server itself.
"""

from __future__ import annotations

import argparse
import os
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app import doctor_checks as checks
from app.doctor import Check, Result, render_json, render_table, resolve_targets, run_checks, scrub
from tutor.settings import Settings

DEFAULT_TIMEOUT_S = 5.0
LLM_TIMEOUT_CAP_S = 15.0  # a one-token answer needs no more, even where LLM_TIMEOUT_S allows long turns


def add_parser(sub: Any) -> None:
    """The ``doctor`` command."""
    doctor = sub.add_parser(
        "doctor", help="check the settings and reach every configured service; exit 1 when anything fails"
    )
    doctor.add_argument("--json", action="store_true", help='print one JSON object {"ok": ..., "checks": [...]}')
    doctor.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"time each service may take to answer (default {DEFAULT_TIMEOUT_S:g}; the LLM: LLM_TIMEOUT_S, "
        f"at most {LLM_TIMEOUT_CAP_S:g})",
    )


def run(args: argparse.Namespace) -> int:
    """Run every check, print the table (or JSON), and return 0 when none failed, else 1."""
    timeout = max(0.1, float(args.timeout))
    try:
        settings = Settings()
    except ValidationError as exc:
        results = [Result("settings", "FAIL", f"invalid: {_invalid_names(exc)}", 0)]
        secrets: list[str | None] = []
    else:
        results = run_checks(plan(settings, timeout))
        secrets = [settings.jwt_secret, settings.openai_api_key, os.environ.get("AWS_SECRET_ACCESS_KEY")]
    results = [Result(r.name, r.status, scrub(r.detail, secrets), r.ms) for r in results]
    print(render_json(results) if args.json else render_table(results), flush=True)
    return 0 if all(r.ok for r in results) else 1


def plan(settings: Settings, timeout_s: float) -> list[Check]:
    """The checks for ``settings``, in the order they are printed."""
    targets = resolve_targets(
        {"MONGODB_URL": settings.mongodb_url, "REDIS_URL": settings.redis_url, "CHROMA_URL": settings.chroma_url},
        Path(settings.var_dir).resolve(),
    )
    llm_timeout = min(settings.llm.timeout_s, LLM_TIMEOUT_CAP_S)
    production = settings.env == "production"

    return [
        Check("settings", partial(checks.settings_check, settings), timeout_s),
        Check(
            "mongodb",
            partial(checks.mongodb_check, targets["MONGODB_URL"], settings.mongodb_db, production, timeout_s),
            timeout_s * 3,  # server selection, then three commands
        ),
        Check("redis", partial(checks.redis_check, targets["REDIS_URL"], timeout_s), timeout_s * 2),
        Check("worker", partial(checks.worker_check, targets["REDIS_URL"], timeout_s), timeout_s * 2),
        Check("chromadb", partial(checks.chroma_check, targets["CHROMA_URL"], timeout_s), timeout_s * 2),
        Check("storage", partial(checks.storage_check, settings, timeout_s), timeout_s * 3),
        Check("llm", partial(checks.llm_check, settings, llm_timeout), llm_timeout),
    ]


def _invalid_names(exc: ValidationError) -> str:
    """Which settings did not validate (their values are never printed: they may be secrets)."""
    names = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "?"
        names.append(f"{name} ({error['msg']})")
    return "; ".join(names)
