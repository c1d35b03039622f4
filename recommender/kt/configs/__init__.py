"""Default hyperparameters, one module per model (RecBole-style: defaults live in one place)."""

from recommender.kt.configs.bkt import BKTConfig
from recommender.kt.configs.dkt import DKTConfig
from recommender.kt.configs.neural import NeuralKTConfig, TrainConfig
from recommender.kt.configs.per_skill import PerSkillConfig

__all__ = ["BKTConfig", "DKTConfig", "NeuralKTConfig", "PerSkillConfig", "TrainConfig"]
