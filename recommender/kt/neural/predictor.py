"""NeuralKT: one or more trained SeqKT networks with calibration, skill vocabulary and checkpoint I/O.

Several members (e.g. seeds) are averaged on the logit scale before the Platt calibration, which
is fitted on the averaged logits of validation students (see :func:`combine`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from recommender.kt.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from recommender.kt.configs.neural import NeuralKTConfig
from recommender.kt.data import FloatArray, KTSequence
from recommender.kt.neural.batching import WindowSet
from recommender.kt.neural.calibration import fit_platt
from recommender.kt.neural.features import query_features
from recommender.kt.neural.model import Batch, SeqKT

CHECKPOINT_NAME = "neural"


class NeuralKT:
    """Serving/evaluation wrapper: batched prediction with Platt calibration (``scale``, ``bias``).

    Args:
        models: Trained network, or several with the same config (an ensemble).
        scale: Multiplier of the (averaged) logits fitted on validation students.
        bias: Offset of the logits fitted on validation students.
        skills: Optional product skill ids, index i naming skill index i.
    """

    name = "ours"

    def __init__(
        self, models: SeqKT | Sequence[SeqKT], scale: float = 1.0, bias: float = 0.0, skills: Sequence[str] = ()
    ) -> None:
        self.members = [models] if isinstance(models, SeqKT) else list(models)
        if not self.members:
            raise ValueError("at least one model is required")
        for m in self.members:
            m.eval()
        self.scale = float(scale)
        self.bias = float(bias)
        self.skills = list(skills)

    @property
    def config(self) -> NeuralKTConfig:
        """Architecture shared by the members."""
        return self.members[0].config

    @torch.no_grad()
    def raw_logits(self, batch: Batch) -> Tensor:
        """Uncalibrated member-averaged logits of a batch."""
        return torch.stack([m.logits(batch) for m in self.members]).mean(0)

    def predict(self, windows: Sequence[KTSequence], batch_tokens: int = 8192) -> list[FloatArray]:
        """See :class:`recommender.kt.base.KTModel`."""
        data = WindowSet(windows)
        out: list[FloatArray] = [np.zeros(0)] * len(data)
        for idx, batch in data.batches(batch_tokens):
            probs = torch.sigmoid(self.raw_logits(batch) * self.scale + self.bias).numpy().astype(np.float64)
            for row, i in enumerate(idx):
                out[i] = probs[row, : int(data.lengths[i])]
        return out

    @torch.no_grad()
    def mastery(self, skills: Sequence[int], responses: Sequence[int]) -> FloatArray:
        """P(correct on a next attempt) for every skill of the vocabulary after a history."""
        n = self.config.n_skills
        queries = torch.arange(n)
        feats = torch.from_numpy(query_features(skills, responses, range(n)))
        s = torch.tensor([[*skills, 0]], dtype=torch.long)
        r = torch.tensor([[*responses, 0]], dtype=torch.long)
        logits = [m.score(m.states(s, r)[0, -1].expand(n, -1), queries, feats) for m in self.members]
        return torch.sigmoid(torch.stack(logits).mean(0) * self.scale + self.bias).numpy().astype(np.float64)

    def save(
        self,
        out_dir: str | Path,
        metrics: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        name: str = CHECKPOINT_NAME,
    ) -> Path:
        """Save a new checkpoint version; returns the JSON config path.

        Args:
            out_dir: Checkpoint directory.
            metrics: Evaluation figures stored in the config.
            extra: Further JSON-ready config entries (e.g. a course's BKT parameters).
            name: Checkpoint name (file stem before the version).
        """
        config = {
            **(extra or {}),
            "kind": "neural",
            "model_config": asdict(self.config),
            "members": len(self.members),
            "calibration": {"scale": self.scale, "bias": self.bias},
            "skills": self.skills,
            "metrics": metrics or {},
        }
        state = {f"m{i}.{k}": v for i, m in enumerate(self.members) for k, v in m.state_dict().items()}
        return save_checkpoint(out_dir, name, config, state)

    @classmethod
    def load(cls, path: str | Path) -> NeuralKT:
        """Load a checkpoint saved by :meth:`save`.

        Raises:
            CheckpointError: Missing/corrupted files or weights that do not fit the config.
        """
        meta, state = load_checkpoint(path)
        if meta.get("kind") != "neural" or state is None:
            raise CheckpointError(f"not a neural knowledge-tracing checkpoint: {path}")
        try:
            members = []
            for i in range(int(meta["members"])):
                model = SeqKT(NeuralKTConfig(**meta["model_config"]))
                prefix = f"m{i}."
                model.load_state_dict({k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)})
                members.append(model)
            cal = meta["calibration"]
            return cls(members, float(cal["scale"]), float(cal["bias"]), meta.get("skills", []))
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise CheckpointError(f"checkpoint does not match the model: {path}: {exc}") from exc


def combine(members: Sequence[NeuralKT], val: WindowSet) -> NeuralKT:
    """Average several trained models and refit the calibration on validation windows."""
    joint = NeuralKT([m for nk in members for m in nk.members], skills=members[0].skills)
    logits, labels = [], []
    for _, batch in val.batches(8192):
        mask = batch.target_mask
        logits.append(joint.raw_logits(batch)[mask])
        labels.append(batch.responses[mask])
    if logits:
        joint.scale, joint.bias = fit_platt(torch.cat(logits), torch.cat(labels))
    return joint
