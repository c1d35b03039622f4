"""Plain DKT (Piech et al. 2015) as pyKT implements it: the baseline the neural model must beat.

An LSTM reads one embedding per (skill, response) interaction and a linear layer maps its state
to one logit per skill; the prediction for attempt t is the logit of t's skill read from the state
after attempt t - 1. No history features, no ensemble, no calibration. It uses the same windows,
batches and validation students as :class:`recommender.kt.neural.trainer.NeuralTrainer`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import Tensor, nn

from recommender.kt.configs.dkt import DKTConfig
from recommender.kt.data import FloatArray, KTSequence
from recommender.kt.metrics import auc
from recommender.kt.neural.batching import WindowSet
from recommender.kt.neural.epochs import epoch_fits, run_epoch
from recommender.kt.neural.model import Batch
from recommender.kt.neural.trainer import FitReport


class DKT(nn.Module):
    """pyKT's ``DKT``: interaction embedding, one LSTM layer, dropout, a linear layer over skills."""

    def __init__(self, config: DKTConfig) -> None:
        super().__init__()
        self.config = config
        k, d = config.n_skills, config.emb_size
        self.interaction = nn.Embedding(2 * k, d)
        self.lstm = nn.LSTM(d, d, batch_first=True)
        self.drop = nn.Dropout(config.dropout)
        self.out = nn.Linear(d, k)

    def logits(self, batch: Batch) -> Tensor:
        """(B, L) logit of a correct answer at every position given only earlier positions.

        Position 0 reads a zero state (pyKT does not predict it; the protocol does not score it).
        """
        k = self.config.n_skills
        h, _ = self.lstm(self.interaction(batch.skills + k * batch.responses))
        h = self.drop(h)
        before = torch.cat([torch.zeros_like(h[:, :1]), h[:, :-1]], dim=1)  # state after t - 1
        per_skill: Tensor = self.out(before)
        return per_skill.gather(-1, batch.skills.unsqueeze(-1)).squeeze(-1)

    def loss(self, batch: Batch) -> Tensor:
        """Mean binary cross-entropy over the scored positions (as pyKT's, on logits)."""
        m = batch.target_mask
        return nn.functional.binary_cross_entropy_with_logits(self.logits(batch)[m], batch.responses[m].float())


class DKTModel:
    """A trained :class:`DKT` behind the evaluation interface (:class:`recommender.kt.base.KTModel`)."""

    name = "dkt"

    def __init__(self, net: DKT) -> None:
        self.net = net.eval()

    @torch.no_grad()
    def predict(self, windows: Sequence[KTSequence], batch_tokens: int = 8192) -> list[FloatArray]:
        """See :class:`recommender.kt.base.KTModel`."""
        data = WindowSet(windows)
        out: list[FloatArray] = [np.zeros(0)] * len(data)
        for idx, batch in data.batches(batch_tokens):
            probs = torch.sigmoid(self.net.logits(batch)).numpy().astype(np.float64)
            for row, i in enumerate(idx):
                out[i] = probs[row, : int(data.lengths[i])]
        return out


@torch.no_grad()
def _val_auc(net: DKT, val: WindowSet) -> float:
    net.eval()
    ls, ys = [], []
    for _, batch in val.batches(8192):
        m = batch.target_mask
        ls.append(net.logits(batch)[m])
        ys.append(batch.responses[m])
    net.train()
    return auc(torch.cat(ys).numpy(), torch.cat(ls).numpy())


def fit_dkt(
    config: DKTConfig,
    train: WindowSet,
    val: WindowSet,
    budget_s: float,
    progress: Callable[[str], None] | None = None,
) -> tuple[DKTModel, FitReport]:
    """Train DKT with Adam until patience, ``max_epochs`` or the wall-clock budget runs out.

    Args:
        config: Architecture and optimisation settings.
        train: Training windows.
        val: Held-out training students; the weights of the best validation-AUC epoch are kept.
        budget_s: Wall-clock seconds for the optimisation loop.
        progress: Callback receiving one human-readable line per epoch.

    Returns:
        The best model and a report.
    """
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    net = DKT(config)
    opt = torch.optim.Adam(net.parameters(), lr=config.lr)
    report = FitReport(converged=True)
    best = copy.deepcopy(net.state_dict())
    t0, last_epoch_s, stale = time.monotonic(), 0.0, 0
    net.train()
    for epoch in range(config.max_epochs):
        if stale >= config.patience:
            break
        if not epoch_fits(t0, last_epoch_s, budget_s):
            report.converged = False
            break
        te = time.monotonic()
        total, count, whole = run_epoch(net, opt, train.batches(config.batch_tokens, rng), t0 + budget_s)
        report.converged = report.converged and whole
        if count == 0:
            break
        val_auc = _val_auc(net, val)
        last_epoch_s = time.monotonic() - te
        report.epochs = epoch + 1
        report.history.append({"epoch": epoch + 1, "loss": total / count, "val_auc": val_auc})
        if not val_auc <= report.best_val_auc:  # also true for the first (NaN best)
            report.best_val_auc, report.best_epoch, stale = val_auc, epoch + 1, 0
            best = copy.deepcopy(net.state_dict())
        else:
            stale += 1
        if progress is not None:
            progress(f"dkt epoch {epoch + 1}: loss {total / count:.4f} val AUC {val_auc:.4f} ({last_epoch_s:.0f}s)")
    report.seconds = time.monotonic() - t0
    net.load_state_dict(best)
    return DKTModel(net), report
