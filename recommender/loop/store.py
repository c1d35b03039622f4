"""The serving policy's checkpoint: read it, replace it atomically with a promoted candidate (keeping the
previous one beside it), and reload it in the serving processes when it changes on disk.

A checkpoint is two files, ``NAME.pt`` (tensors) and ``NAME.json`` (config and metadata). A promotion
writes the candidate under a staging name in the same folder, keeps the current pair as
``NAME.previous.pt``/``.json``, then moves the staged ``.json`` and ``.pt`` over the serving ones (each an
atomic rename). Between the two renames a reader may see the new config with the old tensors: a fine-tuned
candidate has the same shape, so that reader simply serves the old policy once more; the ``.pt`` rename
changes its modification time, so every process reloads on its next use (:class:`ServingPolicy`).
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recommender.policy_service import PolicyService
from recommender.rl.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from recommender.rl.model import ActorCritic

NO_POLICY = "no trained policy; using the greedy heuristic"


@dataclass(frozen=True)
class Serving:
    """The serving checkpoint as the training job sees it: its network (None: the heuristic serves) and meta."""

    model: ActorCritic | None
    meta: dict[str, Any] = field(default_factory=dict)
    why_none: str = ""

    @property
    def version(self) -> str | None:
        """The version the training job gave it (None for a checkpoint written elsewhere, or none at all)."""
        value = self.meta.get("policy_version")
        return str(value) if value is not None else ("external" if self.model is not None else None)


def read_serving(path: Path) -> Serving:
    """The checkpoint at ``path`` if the product would serve it (a readable responses-only policy)."""
    if not path.exists():
        return Serving(None, why_none=NO_POLICY)
    try:
        model, meta, _ = load_checkpoint(path)
    except CheckpointError as exc:
        return Serving(None, why_none=str(exc))
    if model.config.view != "responses":
        return Serving(None, why_none="the checkpoint does not act on students' responses alone")
    return Serving(model, meta)


def previous_path(path: Path) -> Path:
    """Where the policy a promotion replaced is kept."""
    return path.with_name(f"{path.stem}.previous{path.suffix}")


def promote(model: ActorCritic, path: Path, meta: dict[str, Any]) -> None:
    """Make ``model`` the serving policy at ``path`` (atomically), keeping the current one as the previous."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.with_suffix(".json").exists():
        previous = previous_path(path)
        for src, dst in ((path, previous), (path.with_suffix(".json"), previous.with_suffix(".json"))):
            tmp = dst.with_name(dst.name + ".tmp")
            shutil.copy2(src, tmp)
            os.replace(tmp, dst)
    staged = path.with_name(f"{path.stem}.staged{path.suffix}")
    save_checkpoint(staged, model, meta)
    os.replace(staged.with_suffix(".json"), path.with_suffix(".json"))
    os.replace(staged, path)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What changes whenever either file of the checkpoint is replaced (None: there is none)."""
    try:
        tensors, config = path.stat(), path.with_suffix(".json").stat()
    except FileNotFoundError:
        return None
    return tensors.st_mtime_ns, tensors.st_size, config.st_mtime_ns


class ServingPolicy:
    """The serving :class:`PolicyService`, read again only when its checkpoint changed on disk.

    The worker asks for it on every learner-model refresh; a stat of two files decides whether the
    checkpoint must be loaded again, so a promoted policy serves from the next refresh on, in every process.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._service: PolicyService | None = None

    def current(self) -> PolicyService:
        """The policy to serve now (the heuristic-only service when there is no usable checkpoint)."""
        stamp = _stamp(self.path)
        with self._lock:
            if self._service is None or stamp != self._stamp:
                self._service = (
                    PolicyService.from_checkpoint(self.path)
                    if stamp is not None
                    else PolicyService(fallback_reason=NO_POLICY)
                )
                self._stamp = stamp
            return self._service
