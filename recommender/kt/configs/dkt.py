"""Defaults of the plain DKT baseline (pyKT's ``dkt`` settings) and of its training loop."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DKTConfig:
    """Plain DKT as pyKT configures it (``configs/kt_config.json``), a baseline with nothing added.

    pyKT pads every window to 200 and batches a fixed number of windows (64 here; its
    ``kt_config.json`` default is 256). A window of ASSISTments 2015 holds about 35 interactions on
    average, so 64 windows are about 2,300 real interactions. Here windows are batched by length (no
    padding work), so ``batch_tokens`` of 2,304 gives the same interactions per update and updates
    per epoch as batches of 64.

    Attributes:
        n_skills: Size of the skill vocabulary (set from the data).
        emb_size: Interaction embedding size, also the LSTM state size (pyKT: 200).
        dropout: Dropout on the LSTM output (pyKT: 0.1).
        lr: Adam learning rate (pyKT: 1e-3), constant: no decay, no weight decay, no clipping.
        batch_tokens: Interactions per batch (see above).
        max_epochs: Upper bound on epochs (pyKT: 200); the time budget usually stops first.
        patience: Epochs without validation-AUC gain before stopping (pyKT: 10). On fold 0's
            validation students DKT peaked at epoch 3 and only declined over the next 10, so 3
            leaves the shared time budget to the other models without changing the result.
        seed: Random seed (initialisation and shuffling).
    """

    n_skills: int = 100
    emb_size: int = 200
    dropout: float = 0.1
    lr: float = 1e-3
    batch_tokens: int = 2304
    max_epochs: int = 200
    patience: int = 3
    seed: int = 0
