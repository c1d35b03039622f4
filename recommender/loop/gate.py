"""The gate: the serving and the candidate policy on the same held-out simulated learners, and the decision.

Both act greedily (the most probable accepted move), on :data:`~recommender.loop.config.EVAL_SEED_BASE`
seeds no training run uses, so the comparison is paired: the same learners, the same sessions. Without a
trained serving policy the serving side is the greedy heuristic, as in the product.

A candidate is promoted only if its E_p is not below the serving policy's by more than the tolerance, and
not below the best E_p of the policy's line (the best any of its ancestors scored under the same
evaluation) by more than the tolerance either: successive "not worse" promotions can then never drift
down by more than one tolerance in all.
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender.loop.config import HORIZON, LoopConfig
from recommender.rl.base import TeachingPolicy
from recommender.rl.baselines import GreedyPolicy
from recommender.rl.evaluate import evaluate
from recommender.rl.model import ActorCritic
from recommender.rl.trained_policy import TrainedPolicy
from recommender.simulation.base import Simulator


@dataclass(frozen=True)
class Verdict:
    """Promote or not, why, and the best E_p of the line after this decision."""

    promote: bool
    reason: str
    best_ep: float


def teacher(model: ActorCritic | None) -> TeachingPolicy:
    """How a policy acts in evaluation: the network's most probable move, or the greedy heuristic."""
    return TrainedPolicy(model, sample=False) if model is not None else GreedyPolicy()


def evaluate_ep(sim: Simulator, model: ActorCritic | None, config: LoopConfig) -> float:
    """Mean E_p of ``model`` (or the heuristic) on the held-out seeds."""
    return float(evaluate(sim, teacher(model), config.eval_learners, config.eval_seed_list, HORIZON).mean())


def decide(serving_ep: float, candidate_ep: float, line_best: float | None, tolerance: float) -> Verdict:
    """Whether the candidate may replace the serving policy."""
    best = max(serving_ep, line_best) if line_best is not None else serving_ep
    if candidate_ep < serving_ep - tolerance:
        return Verdict(
            False,
            f"candidate E_p {candidate_ep:.4f} is below the serving policy's {serving_ep:.4f} "
            f"by more than the tolerance {tolerance:g}",
            best,
        )
    if candidate_ep < best - tolerance:
        return Verdict(
            False,
            f"candidate E_p {candidate_ep:.4f} is below the best of this policy's line "
            f"({best:.4f}) by more than the tolerance {tolerance:g}",
            best,
        )
    return Verdict(
        True,
        f"candidate E_p {candidate_ep:.4f} is not below the serving policy's {serving_ep:.4f} "
        f"by more than the tolerance {tolerance:g}",
        max(best, candidate_ep),
    )
