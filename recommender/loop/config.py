"""Settings of the policy-training job, with their defaults in one place."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.settings import Settings

# Held-out evaluation learners come from seeds 800,001 upwards: PPO trains on seeds >= 1,000,000 and
# bench.recommender validates on 900,001-900,002 and tests on 1-3, so the gate judges on learners no
# training run and no benchmark choice has seen.
EVAL_SEED_BASE = 800_001
HORIZON = 20  # steps of an evaluated session, as the serving policy was trained for (PolicyService.SESSION_STEPS)
LEASE_NAME = "recommender-policy-training"


@dataclass(frozen=True)
class LoopConfig:
    """How one run trains, evaluates and decides.

    Attributes:
        iterations: PPO batches of fine-tuning on the simulator.
        budget_s: Wall-clock cap of the fine-tuning (the run stops early at it).
        batch_learners: Simulated learners per PPO batch.
        lr: Learning rate of the fine-tuning (PPO and feedback steps).
        feedback_weight: Weight of the feedback term against one PPO update.
        feedback_steps: Gradient steps on the feedback term after each PPO batch.
        kl_weight: Pull towards the serving policy on the states of the feedback (keeps the change small).
        min_students: Each student's share of the feedback term is at most ``1 / max(students, this)``.
        eval_learners: Simulated learners per held-out seed.
        eval_seeds: Number of held-out seeds.
        tolerance: A candidate whose E_p is below the serving policy's (or the best of its line) by more
            than this is rejected.
        window_days: Feedback older than this is not used.
        max_feedback: At most this many answers (the newest) are used.
        seed: Seed of the fine-tuning's random streams.
        lease_s: How long a run holds the job's lease (longer than any run).
    """

    iterations: int = 30
    budget_s: float = 120.0
    batch_learners: int = 256
    lr: float = 3e-4
    feedback_weight: float = 0.5
    feedback_steps: int = 2
    kl_weight: float = 1.0
    min_students: int = 20
    eval_learners: int = 300
    eval_seeds: int = 3
    tolerance: float = 0.01
    window_days: int = 180
    max_feedback: int = 20_000
    seed: int = 7
    lease_s: float = 3600.0

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: int | float) -> LoopConfig:
        """The configured values (``TUTOR_POLICY_*``), with ``overrides`` on top."""
        group = settings.policy_training
        values: dict[str, int | float] = {
            "iterations": group.iterations,
            "budget_s": group.budget_s,
            "min_students": group.min_students,
            "eval_learners": group.eval_learners,
            "eval_seeds": group.eval_seeds,
            "tolerance": group.tolerance,
            "lease_s": max(3600.0, 2 * group.budget_s + 600.0),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def eval_seed_list(self) -> list[int]:
        """The held-out seeds both policies are evaluated on."""
        return [EVAL_SEED_BASE + k for k in range(self.eval_seeds)]
