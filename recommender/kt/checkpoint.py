"""Versioned checkpoints: a ``state_dict`` file (``.pt``) beside a JSON config (``.json``).

Files are named ``{name}-v{NNNN}.pt`` / ``.json``; saving picks the next free version so older models
stay available for rollback. Tensors are loaded with ``torch.load(..., weights_only=True)`` so a
checkpoint can never execute code. Any unreadable, missing or inconsistent file raises
:class:`CheckpointError`, which callers catch to fall back to a simpler model.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch

#: Bumped when the checkpoint layout changes incompatibly.
FORMAT_VERSION = 1
_VERSION_RE = re.compile(r"^(?P<name>.+)-v(?P<ver>\d{4,})\.json$")


class CheckpointError(RuntimeError):
    """A checkpoint is missing, corrupted or does not match the code that loads it."""


def _versions(out_dir: Path, name: str) -> list[int]:
    found = []
    for p in out_dir.glob(f"{name}-v*.json"):
        m = _VERSION_RE.match(p.name)
        if m and m.group("name") == name:
            found.append(int(m.group("ver")))
    return sorted(found)


def latest_checkpoint(out_dir: str | Path, name: str) -> Path | None:
    """Path of the newest ``.json`` config of ``name`` in ``out_dir`` (None when there is none)."""
    d = Path(out_dir)
    versions = _versions(d, name) if d.is_dir() else []
    return d / f"{name}-v{versions[-1]:04d}.json" if versions else None


def save_checkpoint(
    out_dir: str | Path, name: str, config: dict[str, Any], state: dict[str, Any] | None = None
) -> Path:
    """Write a new version of a checkpoint.

    Args:
        out_dir: Directory (created if needed).
        name: Model name, e.g. ``"neural"``.
        config: JSON-serialisable config (hyperparameters, skill vocabulary, metrics...).
        state: ``state_dict``-like mapping of tensors; None for models that live in the config.

    Returns:
        Path of the JSON config (the ``.pt`` file sits beside it).
    """
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    versions = _versions(d, name)
    ver = versions[-1] + 1 if versions else 1
    stem = d / f"{name}-v{ver:04d}"
    meta = {
        **config,
        "format_version": FORMAT_VERSION,
        "name": name,
        "version": ver,
        "has_state": state is not None,
        "saved_at": datetime.now(UTC).isoformat(),
    }
    if state is not None:
        # Write tensors first: a config never points at a missing state file.
        torch.save(state, stem.with_suffix(".pt"))
    tmp = stem.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(meta, indent=1))
    tmp.replace(stem.with_suffix(".json"))
    return stem.with_suffix(".json")


def load_config(path: str | Path) -> dict[str, Any]:
    """Read and validate the JSON config of a checkpoint (``.json`` or its ``.pt`` sibling)."""
    p = Path(path).with_suffix(".json")
    try:
        meta = json.loads(p.read_text())
    except FileNotFoundError as exc:
        raise CheckpointError(f"checkpoint config not found: {p}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"checkpoint config unreadable: {p}: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(f"checkpoint config has an unsupported format: {p}")
    return meta


def load_state(path: str | Path) -> dict[str, Any]:
    """Load a tensor file with ``weights_only=True``; any failure becomes :class:`CheckpointError`."""
    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"checkpoint weights not found: {p}")
    try:
        state = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types (pickle, zip, runtime) for a bad file
        raise CheckpointError(f"checkpoint weights unreadable: {p}: {type(exc).__name__}") from exc
    if not isinstance(state, dict):
        raise CheckpointError(f"checkpoint weights are not a state dict: {p}")
    return state


def load_checkpoint(path: str | Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Load (config, state) of a checkpoint; state is None for config-only models."""
    meta = load_config(path)
    state = load_state(Path(path).with_suffix(".pt")) if meta.get("has_state") else None
    return meta, state
