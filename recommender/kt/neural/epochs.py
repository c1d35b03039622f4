"""One training epoch under a wall-clock deadline, shared by every neural knowledge tracer."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Protocol

import torch
from torch import Tensor

from recommender.kt.neural.model import Batch


class Trainable(Protocol):
    """A model with a loss on a batch."""

    def loss(self, batch: Batch) -> Tensor: ...

    def parameters(self) -> Any: ...


def run_epoch(
    model: Trainable,
    opt: torch.optim.Optimizer,
    batches: Iterable[tuple[Any, Batch]],
    deadline: float,
    clip_norm: float | None = None,
) -> tuple[float, int, bool]:
    """Train over ``batches`` until they end or ``time.monotonic()`` passes ``deadline``.

    Returns:
        The summed loss, the number of batches trained and whether the epoch ran to its end.
    """
    total, count = 0.0, 0
    for _, batch in batches:
        if time.monotonic() > deadline:  # hard stop: a slow epoch never overruns much
            return total, count, False
        opt.zero_grad()
        loss = model.loss(batch)
        loss.backward()  # type: ignore[no-untyped-call]
        if clip_norm is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        opt.step()
        total += float(loss.item())
        count += 1
    return total, count, True


def epoch_fits(started: float, last_epoch_s: float, budget_s: float) -> bool:
    """Whether another epoch as long as the last one (plus 10%) still fits the budget."""
    return time.monotonic() - started + 1.1 * last_epoch_s <= budget_s
