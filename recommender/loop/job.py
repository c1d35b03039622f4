"""One run of the policy-training job, end to end, recorded in ``policy_decisions``.

1. Take the job's lease (one run at a time, whoever starts it: the worker's schedule or ``tutor policy train``).
2. Read the feedback of the last ``window_days`` (newest ``max_feedback``) and the interactions linked to it.
3. Fine-tune a candidate from the serving checkpoint on the sample-course simulator plus the feedback term.
4. Evaluate both on the same held-out simulated learners; promote the candidate only if it is not worse.
5. Record the decision (promoted, rejected or failed), both scores, the data size and the reason.

The CPU work runs in a thread, so the event loop of the caller (the Celery task's, the CLI's) only waits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import torch

from recommender.loop.candidate import Candidate, fine_tune
from recommender.loop.config import HORIZON, LEASE_NAME, LoopConfig
from recommender.loop.gate import Verdict, decide, evaluate_ep
from recommender.loop.logged import LoggedData, build_logged
from recommender.loop.store import Serving, promote, read_serving
from recommender.rl.features import obs_dim
from recommender.rl.model import ActorCritic, PolicyConfig
from recommender.rl.ppo import PPOSettings
from recommender.simulation.sample_course import make_sample_course, sample_course_graph
from tutor.db import Document
from tutor.repositories.bundle import Repositories
from tutor.schemas.common import new_id, utcnow

log = logging.getLogger(__name__)


class PolicyMismatch(RuntimeError):
    """The serving policy was trained on other skills than the simulator's: the two cannot be compared."""


@dataclass(frozen=True)
class Outcome:
    """What one run trained, measured and decided (before anything is written)."""

    serving: Serving
    candidate: Candidate
    logged: LoggedData
    serving_ep: float
    candidate_ep: float
    verdict: Verdict
    evaluation: dict[str, Any]


def train_and_judge(
    feedback: Sequence[Document], interactions: Sequence[Document], serving_path: Path, config: LoopConfig
) -> Outcome:
    """Fine-tune a candidate and judge it against the serving policy (CPU work; no I/O but the checkpoint).

    Raises:
        PolicyMismatch: The serving policy's skills are not the simulator's.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # networks this small gain nothing from more threads, which only contend
    try:
        return _train_and_judge(feedback, interactions, serving_path, config)
    finally:
        torch.set_num_threads(threads)


def _train_and_judge(
    feedback: Sequence[Document], interactions: Sequence[Document], serving_path: Path, config: LoopConfig
) -> Outcome:
    sim = make_sample_course()
    _, source = sample_course_graph()
    serving = read_serving(serving_path)
    skills = list(sim.graph.nodes)
    if serving.model is not None and list(serving.model.config.skills) != skills:
        raise PolicyMismatch(
            "the serving policy was trained on other skills than the sample course's; retrain it "
            "(python -m bench.recommender --train-only) before fine-tuning it"
        )
    shape = serving.model or ActorCritic(
        PolicyConfig(obs_dim("responses", sim.n_skills), sim.n_skills, "responses", PPOSettings().hidden, skills)
    )
    logged = build_logged(feedback, interactions, shape, config.min_students)
    start = int(serving.meta.get("iteration", 0)) if serving.model is not None else 0
    candidate = fine_tune(sim, serving.model, logged, config, start)
    evaluation = {
        "simulator": f"sample_course ({source})",
        "seeds": config.eval_seed_list,
        "learners": config.eval_learners,
        "horizon": HORIZON,
    }
    serving_ep = round(evaluate_ep(sim, serving.model, config), 6)
    candidate_ep = round(evaluate_ep(sim, candidate.model, config), 6)
    same_protocol = serving.meta.get("evaluation") == evaluation
    line_best = serving.meta.get("line_best_ep") if same_protocol else None
    verdict = decide(serving_ep, candidate_ep, float(line_best) if line_best is not None else None, config.tolerance)
    return Outcome(serving, candidate, logged, serving_ep, candidate_ep, verdict, evaluation)


async def run_policy_update(
    records: Repositories, config: LoopConfig, serving_path: Path, trigger: str, not_within_s: float = 0.0
) -> Document | None:
    """Run the job once and record its decision.

    Returns None (and records nothing) when another run holds the lease, or when a decision was recorded
    less than ``not_within_s`` seconds ago (a scheduled run passes half its interval, so two schedulers,
    say two workers started with ``--beat``, still train once per interval).
    """
    holder = new_id()
    if not await records.job_leases.acquire(LEASE_NAME, holder, config.lease_s):
        log.info("policy training skipped: another run is in progress")
        return None
    started, decided_at = time.monotonic(), utcnow()
    try:
        last = await records.policy_decisions.latest(1)
        if not_within_s > 0 and last and (decided_at - last[0]["decided_at"]).total_seconds() < not_within_s:
            log.info("policy training skipped: the last run was less than %.0f s ago", not_within_s)
            return None
        feedback = await records.feedback.since(decided_at - timedelta(days=config.window_days), config.max_feedback)
        interactions = await records.interactions.of_feedback(d["_id"] for d in feedback)
        try:
            outcome = await asyncio.to_thread(train_and_judge, feedback, interactions, serving_path, config)
            doc = _decision(outcome, config, decided_at, trigger)
            if outcome.verdict.promote:
                meta = _promoted_meta(outcome, doc)
                await asyncio.to_thread(promote, outcome.candidate.model, serving_path, meta)
        except Exception as exc:  # recorded for instructors; the trace goes to the worker's log
            log.exception("policy training failed")
            counts = (len(feedback), len(interactions), len({d["user_id"] for d in feedback}))
            doc = _failed(exc, config, decided_at, trigger, counts, serving_path)
        doc["duration_s"] = round(time.monotonic() - started, 3)
        await records.policy_decisions.record(doc)
        log.info("policy training: %s (%s)", doc["decision"], doc["reason"])
        return doc
    finally:
        await records.job_leases.release(LEASE_NAME, holder)


def _decision(outcome: Outcome, config: LoopConfig, decided_at: datetime, trigger: str) -> Document:
    serving, candidate, logged = outcome.serving, outcome.candidate, outcome.logged
    return {
        "_id": new_id(),
        "decided_at": decided_at,
        "trigger": trigger,
        "decision": "promoted" if outcome.verdict.promote else "rejected",
        "reason": outcome.verdict.reason,
        "serving_kind": "policy" if serving.model is not None else "heuristic",
        "serving_version": serving.version,
        # A rejected candidate is not kept, so it gets no version.
        "candidate_version": f"{decided_at:%Y%m%d-%H%M%S}-{new_id()[:6]}" if outcome.verdict.promote else None,
        "serving_ep": outcome.serving_ep,
        "candidate_ep": outcome.candidate_ep,
        "best_ep": round(outcome.verdict.best_ep, 6),
        "tolerance": config.tolerance,
        "n_feedback": logged.n_feedback,
        "n_interactions": logged.n_interactions,
        "n_students": logged.n_students,
        "n_examples": logged.n_examples,
        "max_student_share": round(logged.max_student_share, 6),
        "evaluation": outcome.evaluation,
        "training": {
            "iterations": candidate.iterations,
            "seconds": candidate.seconds,
            "start_iteration": candidate.start_iteration,
        },
        "duration_s": 0.0,
    }


def _promoted_meta(outcome: Outcome, doc: Document) -> dict[str, Any]:
    """What the promoted checkpoint records about itself (its line's best E_p bounds later promotions)."""
    return {
        "policy_version": doc["candidate_version"],
        "parent_version": doc["serving_version"],
        "promoted_at": doc["decided_at"].isoformat(),
        "iteration": outcome.candidate.end_iteration,
        "evaluation": outcome.evaluation,
        "candidate_ep": outcome.candidate_ep,
        "serving_ep": outcome.serving_ep,
        "line_best_ep": doc["best_ep"],
        "n_feedback": doc["n_feedback"],
        "n_students": doc["n_students"],
    }


def _failed(
    exc: Exception,
    config: LoopConfig,
    decided_at: datetime,
    trigger: str,
    counts: tuple[int, int, int],
    serving_path: Path,
) -> Document:
    """A run that could not decide: the serving policy stays; the reason names what an operator can fix."""
    reason = str(exc) if isinstance(exc, PolicyMismatch) else f"training failed ({type(exc).__name__}); see the log"
    serving = read_serving(serving_path)
    return {
        "_id": new_id(),
        "decided_at": decided_at,
        "trigger": trigger,
        "decision": "failed",
        "reason": reason,
        "serving_kind": "policy" if serving.model is not None else "heuristic",
        "serving_version": serving.version,
        "candidate_version": None,
        "serving_ep": None,
        "candidate_ep": None,
        "best_ep": None,
        "tolerance": config.tolerance,
        "n_feedback": counts[0],
        "n_interactions": counts[1],
        "n_students": counts[2],
        "n_examples": 0,
        "max_student_share": 0.0,
        "evaluation": None,
        "training": None,
        "duration_s": 0.0,
    }
