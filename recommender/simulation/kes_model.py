"""Compact DKT (LSTM knowledge tracer) used as the simulated learner of the KES simulator.

A recurrent model is used on purpose: the simulator must advance one interaction at a time
for a whole batch of learners, which an LSTM cell does in O(1) per step.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn


class KESModelError(RuntimeError):
    """The KES learner checkpoint is missing or unreadable."""


@dataclass
class DKTConfig:
    """Size of the learner model."""

    n_skills: int
    hidden: int = 64
    embed: int = 64


class DKT(nn.Module):
    """Deep knowledge tracing: (skill, response) embeddings -> LSTM -> P(correct) for every skill."""

    def __init__(self, config: DKTConfig) -> None:
        """Build from config."""
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(2 * config.n_skills, config.embed)
        self.cell = nn.LSTM(config.embed, config.hidden, batch_first=True)
        self.out = nn.Linear(config.hidden, config.n_skills)

    def token(self, skills: torch.Tensor, responses: torch.Tensor) -> torch.Tensor:
        """Interaction token index: skill + S * response."""
        return skills + self.config.n_skills * responses

    def forward(self, skills: torch.Tensor, responses: torch.Tensor) -> torch.Tensor:
        """(B, T) interactions -> (B, T, S) logits for the next response on each skill."""
        hidden, _ = self.cell(self.embed(self.token(skills, responses)))
        return torch.as_tensor(self.out(hidden))

    def loss(self, skills: torch.Tensor, responses: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        """Next-step binary cross-entropy over valid positions."""
        logits = self.forward(skills[:, :-1], responses[:, :-1])
        chosen = logits.gather(2, skills[:, 1:].unsqueeze(2)).squeeze(2)
        mask = valid[:, 1:] & valid[:, :-1]
        bce = nn.functional.binary_cross_entropy_with_logits(chosen, responses[:, 1:].float(), reduction="none")
        return (bce * mask).sum() / mask.sum().clamp(min=1)

    def step(self, state: tuple[torch.Tensor, torch.Tensor], skills: torch.Tensor,
             responses: torch.Tensor) -> tuple[tuple[torch.Tensor, torch.Tensor], torch.Tensor]:
        """Advance a batch by one interaction; return the new state and (B, S) probabilities."""
        x = self.embed(self.token(skills, responses)).unsqueeze(1)
        out, new_state = self.cell(x, state)
        return new_state, torch.sigmoid(self.out(out[:, 0]))

    def initial_state(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Zero LSTM state."""
        zeros = torch.zeros(1, batch, self.config.hidden)
        return zeros, zeros.clone()

    def prior(self, batch: int) -> torch.Tensor:
        """(B, S) probabilities before any interaction."""
        h, _ = self.initial_state(batch)
        return torch.sigmoid(self.out(h[0]))


def save_dkt(path: Path, model: DKT, meta: dict[str, object]) -> None:
    """Write state_dict (.pt) and config + metadata (.json)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), path)
    path.with_suffix(".json").write_text(json.dumps({"config": asdict(model.config), **meta}, indent=1))


def load_dkt(path: Path) -> DKT:
    """Load a DKT checkpoint with ``weights_only=True``.

    Raises:
        KESModelError: when the files are missing or corrupted.
    """
    try:
        meta = json.loads(path.with_suffix(".json").read_text())
        model = DKT(DKTConfig(**meta["config"]))
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    except Exception as exc:
        raise KESModelError(f"cannot load KES learner model {path}: {type(exc).__name__}") from exc
    model.eval()
    return model
