"""Platt scaling (logit scale and bias) fitted on validation students.

Temperature scaling is the special case bias = 0; the bias also corrects a shift of the base rate
between training and validation students, which dominates ECE on knowledge-tracing data.
"""

from __future__ import annotations

import torch
from torch import Tensor


def fit_platt(logits: Tensor, labels: Tensor, steps: int = 200) -> tuple[float, float]:
    """Minimise the log-loss of ``sigmoid(logits * scale + bias)``; returns (scale, bias)."""
    scale = torch.ones(1, requires_grad=True)
    bias = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([scale, bias], lr=0.5, max_iter=steps, line_search_fn="strong_wolfe")
    y = labels.float()

    def closure() -> Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits * scale + bias, y)
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    opt.step(closure)  # type: ignore[no-untyped-call]
    s, b = float(scale.item()), float(bias.item())
    if not (0.05 < s < 20.0) or abs(b) > 5.0:  # degenerate fit (tiny or one-class data): no-op
        return 1.0, 0.0
    return s, b
