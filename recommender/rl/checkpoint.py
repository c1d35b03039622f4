"""Policy checkpoints: a state_dict file plus a JSON config, loaded with weights_only=True."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from recommender.rl.model import ActorCritic, PolicyConfig


class CheckpointError(RuntimeError):
    """A policy checkpoint is missing, unreadable or does not match its config."""


def save_checkpoint(path: Path, model: ActorCritic, extra: dict[str, Any] | None = None,
                    optimizer: torch.optim.Optimizer | None = None) -> None:
    """Write ``path`` (.pt, tensors) and ``path.with_suffix('.json')`` (config + metadata)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    blob: dict[str, Any] = {"model": model.state_dict()}
    if optimizer is not None:
        blob["optimizer"] = optimizer.state_dict()
    tmp = path.with_suffix(".pt.tmp")
    torch.save(blob, tmp)
    tmp.replace(path)  # atomic, so a crash never leaves half a checkpoint behind
    meta = {"config": model.config.to_json(), **(extra or {})}
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1))


def load_checkpoint(path: Path) -> tuple[ActorCritic, dict[str, Any], dict[str, Any] | None]:
    """Load a policy, its metadata and (if saved) its optimizer state.

    Raises:
        CheckpointError: if either file is missing, corrupted or inconsistent.
    """
    meta_path = path.with_suffix(".json")
    try:
        meta = json.loads(meta_path.read_text())
        config = PolicyConfig(**meta["config"])
        blob = torch.load(path, map_location="cpu", weights_only=True)
        model = ActorCritic(config)
        model.load_state_dict(blob["model"])
    except FileNotFoundError as exc:
        raise CheckpointError(f"policy checkpoint not found: {exc.filename}") from exc
    except Exception as exc:  # any decode/shape problem means the file cannot be trusted
        raise CheckpointError(f"policy checkpoint {path} is unreadable: {type(exc).__name__}") from exc
    model.eval()
    return model, meta, blob.get("optimizer")
