"""Teaching policies: PPO with action masking, baselines, evaluation and product helpers.

- :class:`PPOTrainer` / :class:`PPOSettings` (training, checkpoints, resume)
- :class:`ActorCritic` / :class:`PolicyConfig`, :func:`load_checkpoint`, :class:`CheckpointError`
- agents: :class:`PolicyAgent`, :class:`RandomAgent`, :class:`RuleAgent`, :class:`GreedyAgent`
- :func:`evaluate` (E_p per learner), :func:`pick_best` (validation-seed selection)
"""

from recommender.rl.baselines import GreedyAgent, GreedySettings, RandomAgent, RuleAgent
from recommender.rl.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from recommender.rl.evaluate import evaluate, pick_best, run_episode
from recommender.rl.model import ActorCritic, PolicyConfig
from recommender.rl.policy_agent import PolicyAgent
from recommender.rl.ppo import PPOSettings, PPOTrainer

__all__ = [
    "ActorCritic",
    "CheckpointError",
    "GreedyAgent",
    "GreedySettings",
    "PPOSettings",
    "PPOTrainer",
    "PolicyAgent",
    "PolicyConfig",
    "RandomAgent",
    "RuleAgent",
    "evaluate",
    "load_checkpoint",
    "pick_best",
    "run_episode",
    "save_checkpoint",
]
