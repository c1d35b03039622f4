"""Fits SeqKT with Adam under a wall-clock budget, early stopping on held-out training students.

The trainer owns the optimisation loop, the resumable training state (model, optimizer, epoch,
best weights; ``{out_dir}/neural-train.pt``) and the final calibration. Test data never enters.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from recommender.kt.checkpoint import CheckpointError, load_state
from recommender.kt.configs.neural import NeuralKTConfig, TrainConfig
from recommender.kt.metrics import auc
from recommender.kt.neural.batching import WindowSet
from recommender.kt.neural.calibration import fit_platt
from recommender.kt.neural.epochs import epoch_fits, run_epoch
from recommender.kt.neural.model import SeqKT
from recommender.kt.neural.predictor import NeuralKT

log = logging.getLogger(__name__)
TRAIN_STATE = "neural-train.pt"


@dataclass
class FitReport:
    """What happened during fitting."""

    epochs: int = 0
    best_epoch: int = -1
    best_val_auc: float = float("nan")
    seconds: float = 0.0
    converged: bool = False  # stopped by patience or max_epochs rather than by the time budget
    history: list[dict[str, float]] = field(default_factory=list)


def _val_logits(model: SeqKT, data: WindowSet) -> tuple[torch.Tensor, torch.Tensor]:
    model.eval()
    ls, ys = [], []
    with torch.no_grad():
        for _, batch in data.batches(8192):
            m = batch.target_mask
            ls.append(model.logits(batch)[m])
            ys.append(batch.responses[m])
    model.train()
    return torch.cat(ls), torch.cat(ys)


class NeuralTrainer:
    """Trains one SeqKT model.

    Args:
        model_config: Architecture.
        train_config: Optimisation settings.
        out_dir: Where the resumable training state is written each epoch (None: not saved).
        progress: Callback receiving one human-readable line per epoch.
    """

    def __init__(
        self,
        model_config: NeuralKTConfig,
        train_config: TrainConfig | None = None,
        out_dir: str | Path | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.model_config = model_config
        self.cfg = train_config or TrainConfig()
        self.out_dir = Path(out_dir) if out_dir else None
        self.progress = progress or log.info

    def _save_state(self, state: dict[str, object]) -> None:
        if self.out_dir is None:
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.out_dir / (TRAIN_STATE + ".tmp")
        torch.save(state, tmp)
        tmp.replace(self.out_dir / TRAIN_STATE)

    def fit(
        self, train: WindowSet, val: WindowSet, budget_s: float, resume: bool = False
    ) -> tuple[NeuralKT, FitReport]:
        """Train until the budget, ``max_epochs`` or patience runs out; calibrate on ``val``.

        Args:
            train: Training windows.
            val: Held-out training students (early stopping and calibration).
            budget_s: Wall-clock seconds for the optimisation loop (calibration comes after).
            resume: Continue from ``{out_dir}/neural-train.pt`` when it exists.

        Returns:
            The calibrated best model and a report.
        """
        cfg = self.cfg
        torch.manual_seed(cfg.seed)
        rng = np.random.default_rng(cfg.seed)
        model = SeqKT(self.model_config)
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        report = FitReport()
        best_state = copy.deepcopy(model.state_dict())
        start_epoch, stale = 0, 0
        if resume and self.out_dir is not None and (self.out_dir / TRAIN_STATE).exists():
            st = load_state(self.out_dir / TRAIN_STATE)
            try:
                model.load_state_dict(st["model"])
                opt.load_state_dict(st["optimizer"])
                best_state = st["best_model"]
                start_epoch, stale = int(st["epoch"]), int(st["stale"])
                report.best_val_auc, report.best_epoch = float(st["best_auc"]), int(st["best_epoch"])
            except (KeyError, RuntimeError, ValueError) as exc:
                raise CheckpointError(f"training state does not match the model: {exc}") from exc
            rng = np.random.default_rng(cfg.seed + start_epoch)
            self.progress(f"resumed at epoch {start_epoch} (best val AUC {report.best_val_auc:.4f})")
        t0 = time.monotonic()
        last_epoch_s = 0.0
        model.train()
        report.converged = True
        for epoch in range(start_epoch, cfg.max_epochs):
            if stale >= cfg.patience:
                break
            if not epoch_fits(t0, last_epoch_s, budget_s):
                report.converged = False
                break
            te = time.monotonic()
            batches = train.batches(cfg.batch_tokens, rng)
            total, count, whole = run_epoch(model, opt, batches, t0 + budget_s, cfg.clip_norm)
            report.converged = report.converged and whole
            if count == 0:  # the budget ran out before this epoch started training
                break
            logits, labels = _val_logits(model, val)
            val_auc = auc(labels.numpy(), logits.numpy())
            last_epoch_s = time.monotonic() - te
            report.epochs = epoch + 1
            report.history.append({"epoch": epoch + 1, "loss": total / max(count, 1), "val_auc": val_auc})
            if not val_auc <= report.best_val_auc:  # also true for the first (NaN best)
                report.best_val_auc, report.best_epoch, stale = val_auc, epoch + 1, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                stale += 1
                for group in opt.param_groups:  # smaller steps once validation stops improving
                    group["lr"] *= cfg.lr_decay
            self.progress(
                f"epoch {epoch + 1}: loss {total / max(count, 1):.4f} val AUC {val_auc:.4f} ({last_epoch_s:.0f}s)"
            )
            self._save_state(
                {
                    "model": model.state_dict(),
                    "optimizer": opt.state_dict(),
                    "best_model": best_state,
                    "epoch": epoch + 1,
                    "stale": stale,
                    "best_auc": report.best_val_auc,
                    "best_epoch": report.best_epoch,
                }
            )
        report.seconds = time.monotonic() - t0
        model.load_state_dict(best_state)
        logits, labels = _val_logits(model, val)
        scale, bias = fit_platt(logits, labels) if len(val) else (1.0, 0.0)
        return NeuralKT(model.eval(), scale, bias), report
