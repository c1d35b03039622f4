"""Course-level models for the product: skill ids are strings, attempts may tag several skills.

:func:`train_course_model` is the retraining job (wired to Celery by the service): it always fits
per-skill BKT with EM (cold-start fallback and per-skill parameters) and, when the course has enough
attempts, trains the neural model too. The result is one versioned checkpoint named ``course``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from recommender.kt.bkt_em import fit_bkt_em
from recommender.kt.checkpoint import save_checkpoint
from recommender.kt.configs.neural import NeuralKTConfig, TrainConfig
from recommender.kt.data import KTSequence, holdout_students, windows
from recommender.kt.neural.batching import WindowSet
from recommender.kt.neural.trainer import NeuralTrainer

log = logging.getLogger(__name__)
COURSE_CHECKPOINT = "course"
#: Below this many (attempt, skill) interactions a course keeps BKT only.
MIN_NEURAL_INTERACTIONS = 5000


class AttemptDict(TypedDict):
    """One graded quiz answer as the product records it."""

    question_id: str
    skills: list[str]
    correct: bool
    at: datetime


def encode(attempts: Sequence[Mapping[str, Any]], index: Mapping[str, int]) -> tuple[list[int], list[int]]:
    """Flatten attempts into (skill index, response) interactions, one per known skill tag.

    An attempt tagged with several skills becomes one interaction per skill (the pyKT convention
    for multi-concept questions); skills outside ``index`` are skipped.
    """
    skills: list[int] = []
    responses: list[int] = []
    for a in attempts:
        for s in a["skills"]:
            if s in index:
                skills.append(index[s])
                responses.append(int(bool(a["correct"])))
    return skills, responses


def train_course_model(
    attempt_sequences: Sequence[Sequence[Mapping[str, Any]]],
    skills: Sequence[str],
    out_dir: str | Path,
    budget_s: float = 300.0,
    min_neural_interactions: int = MIN_NEURAL_INTERACTIONS,
    model_config: NeuralKTConfig | None = None,
    train_config: TrainConfig | None = None,
) -> Path:
    """Fit the course's knowledge-tracing models and save them as a new checkpoint version.

    Args:
        attempt_sequences: Per student, attempts in time order (``skills``, ``correct`` keys used).
        skills: The course's skill vocabulary (ids as used in attempts).
        out_dir: Checkpoint directory of the course.
        budget_s: Wall-clock budget of neural training.
        min_neural_interactions: Interactions needed before a neural model is trained.
        model_config: Neural architecture (defaults from :mod:`recommender.kt.configs.neural`);
            ``n_skills`` is set from ``skills``.
        train_config: Neural training settings.

    Returns:
        Path of the saved checkpoint config (``course-vNNNN.json``).
    """
    vocab = list(dict.fromkeys(skills))
    index = {s: i for i, s in enumerate(vocab)}
    seqs = []
    for n, attempts in enumerate(attempt_sequences):
        sk, rs = encode(attempts, index)
        if sk:
            seqs.append(KTSequence(str(n), np.array(sk, dtype=np.int64), np.array(rs, dtype=np.int64)))
    n_inter = sum(len(s) for s in seqs)
    bkt = fit_bkt_em(windows(seqs), max(len(vocab), 1))
    config: dict[str, Any] = {"skills": vocab, "bkt": bkt.params.to_json(), "n_interactions": n_inter}
    if n_inter < min_neural_interactions or len(seqs) < 10:
        log.info("course has %d interactions: BKT only", n_inter)
        return save_checkpoint(out_dir, COURSE_CHECKPOINT, {**config, "kind": "bkt"})
    tcfg = train_config or TrainConfig()
    train, val = holdout_students(seqs, tcfg.val_fraction, seed=tcfg.seed)
    trainer = NeuralTrainer(replace(model_config or NeuralKTConfig(), n_skills=len(vocab)), tcfg)
    model, report = trainer.fit(WindowSet(windows(train)), WindowSet(windows(val)), budget_s)
    model.skills = vocab
    metrics = {"val_auc": report.best_val_auc, "epochs": report.epochs}
    return model.save(out_dir, metrics=metrics, extra=config, name=COURSE_CHECKPOINT)
