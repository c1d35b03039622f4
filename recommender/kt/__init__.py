"""Knowledge tracing: data in the pyKT format, per-skill baseline, BKT, and a neural sequence model.

Main entry points:
    - :func:`load_pykt_csv`, :func:`windows` (pyKT evaluation protocol)
    - :class:`PerSkillModel` / :func:`fit_per_skill`
    - :class:`BKTModel` / :func:`fit_bkt_em`
    - :class:`DKT` (plain pyKT DKT baseline), :class:`DKTModel` / :func:`fit_dkt`
    - :class:`SeqKT` (network), :class:`NeuralTrainer`, :class:`NeuralKT` (calibrated predictor with
      checkpoint I/O, one model or a seed ensemble built by :func:`combine`)
    - :func:`evaluate` (AUC, RMSE, ECE)
    - :class:`CheckpointError`
"""

from recommender.kt.base import KTModel
from recommender.kt.bkt import BKTModel, BKTParams
from recommender.kt.bkt_em import fit_bkt_em
from recommender.kt.checkpoint import CheckpointError, latest_checkpoint, load_checkpoint, save_checkpoint
from recommender.kt.configs import BKTConfig, DKTConfig, NeuralKTConfig, PerSkillConfig, TrainConfig
from recommender.kt.data import KTSequence, holdout_students, load_pykt_csv, n_skills, split_folds, windows
from recommender.kt.evaluator import KTMetrics, evaluate
from recommender.kt.neural.batching import WindowSet
from recommender.kt.neural.dkt import DKT, DKTModel, fit_dkt
from recommender.kt.neural.model import Batch, SeqKT
from recommender.kt.neural.predictor import NeuralKT, combine
from recommender.kt.neural.trainer import FitReport, NeuralTrainer
from recommender.kt.per_skill import PerSkillModel, fit_per_skill

__all__ = [
    "DKT",
    "BKTConfig",
    "BKTModel",
    "BKTParams",
    "Batch",
    "CheckpointError",
    "DKTConfig",
    "DKTModel",
    "FitReport",
    "KTMetrics",
    "KTModel",
    "KTSequence",
    "NeuralKT",
    "NeuralKTConfig",
    "NeuralTrainer",
    "PerSkillConfig",
    "PerSkillModel",
    "SeqKT",
    "TrainConfig",
    "WindowSet",
    "combine",
    "evaluate",
    "fit_bkt_em",
    "fit_dkt",
    "fit_per_skill",
    "holdout_students",
    "latest_checkpoint",
    "load_checkpoint",
    "load_pykt_csv",
    "n_skills",
    "save_checkpoint",
    "split_folds",
    "windows",
]
