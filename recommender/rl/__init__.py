"""Teaching policies: PPO with action masking, baselines, evaluation and product helpers.

- :class:`PPOTrainer` / :class:`PPOSettings` (training, checkpoints, resume)
- :class:`ActorCritic` / :class:`PolicyConfig`, :func:`load_checkpoint`, :class:`CheckpointError`
- teaching policies: :class:`TrainedPolicy`, :class:`RandomPolicy`, :class:`RulePolicy`, :class:`GreedyPolicy`
- :func:`evaluate` (E_p per learner), :func:`pick_best` (validation-seed selection)
"""

from recommender.rl.baselines import GreedyPolicy, GreedySettings, RandomPolicy, RulePolicy
from recommender.rl.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from recommender.rl.evaluate import evaluate, pick_best, run_episode
from recommender.rl.model import ActorCritic, PolicyConfig
from recommender.rl.ppo import PPOSettings, PPOTrainer
from recommender.rl.trained_policy import TrainedPolicy

__all__ = [
    "ActorCritic",
    "CheckpointError",
    "GreedyPolicy",
    "GreedySettings",
    "PPOSettings",
    "PPOTrainer",
    "PolicyConfig",
    "RandomPolicy",
    "RulePolicy",
    "TrainedPolicy",
    "evaluate",
    "load_checkpoint",
    "pick_best",
    "run_episode",
    "save_checkpoint",
]
