"""Defaults of the neural knowledge-tracing model and of its trainer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NeuralKTConfig:
    """Architecture of :class:`recommender.kt.neural.model.SeqKT`.

    Attributes:
        n_skills: Size of the skill vocabulary (set from the data).
        emb_dim: Size of the (skill, response) interaction and skill query embeddings.
        hidden: Recurrent state size.
        layers: Recurrent layers.
        cell: "lstm" or "gru".
        dropout: Dropout on the recurrent output and in the prediction head.
        use_features: Feed the window-local per-skill history features to the head.
    """

    n_skills: int = 100
    emb_dim: int = 64
    hidden: int = 128
    layers: int = 1
    cell: str = "lstm"
    dropout: float = 0.2
    use_features: bool = True


@dataclass(frozen=True)
class TrainConfig:
    """Trainer settings.

    Attributes:
        lr: Adam learning rate.
        weight_decay: Adam L2 penalty.
        batch_tokens: Approximate interactions per batch (windows are batched by length).
        max_epochs: Upper bound on epochs; the time budget usually stops first.
        patience: Epochs without validation-AUC gain before stopping.
        clip_norm: Gradient-norm clip.
        lr_decay: Learning-rate multiplier applied after an epoch without validation gain.
        val_fraction: Share of training students held out for early stopping and calibration.
        seed: Random seed (shuffling, initialisation, validation split).
    """

    lr: float = 2e-3
    weight_decay: float = 0.0
    batch_tokens: int = 4096
    max_epochs: int = 30
    patience: int = 3
    clip_norm: float = 1.0
    lr_decay: float = 0.5
    val_fraction: float = 0.1
    seed: int = 0
