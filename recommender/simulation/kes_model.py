"""Compact DKT (LSTM knowledge tracer) used as the simulated learner of the KES simulator.

A recurrent model is used on purpose: the simulator must advance one interaction at a time
for a whole batch of learners, which an LSTM cell does in O(1) per step.

The simulated learner is a :class:`DKTEnsemble`: several small DKTs fitted on the same students
from different initial weights, whose predicted P(correct) is averaged. One network's answers
carry its training noise (two seeds on the same students agree at a correlation of about 0.6),
and a teacher that plans against one network learns that noise rather than the students;
the average (of the members' log-odds) keeps what the data says.
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


State = tuple[torch.Tensor, torch.Tensor]


class DKTEnsemble(nn.Module):
    """Members of one size; a learner's P(correct) is the sigmoid of the members' mean log-odds, its state
    theirs side by side."""

    def __init__(self, members: list[DKT]) -> None:
        """Wrap trained members (at least one, all of the same config)."""
        super().__init__()
        if not members or any(m.config != members[0].config for m in members):
            raise ValueError("an ensemble needs one or more members of the same size")
        self.config = members[0].config
        self.members = nn.ModuleList(members)

    def _dkts(self) -> list[DKT]:
        return [m for m in self.members if isinstance(m, DKT)]

    def _stacked(self) -> dict[str, torch.Tensor]:
        """The members' weights stacked on a leading member axis (one batched matmul steps them all)."""
        dkts = self._dkts()
        cells = [m.cell.all_weights[0] for m in dkts]  # weight_ih (4H, E), weight_hh (4H, H), bias_ih, bias_hh
        return {
            "embed": torch.stack([m.embed.weight for m in dkts]),  # (K, 2S, E)
            "w_ih": torch.stack([cell[0].T for cell in cells]),  # (K, E, 4H)
            "w_hh": torch.stack([cell[1].T for cell in cells]),  # (K, H, 4H)
            "bias": torch.stack([cell[2] + cell[3] for cell in cells]).unsqueeze(1),
            # (K * H, S) / K: hidden units side by side times it give the members' mean log-odds
            "w_out": torch.cat([m.out.weight.T for m in dkts]) / len(dkts),
            "b_out": torch.stack([m.out.bias for m in dkts]).mean(dim=0),
        }

    def step(self, state: State, skills: torch.Tensor, responses: torch.Tensor) -> tuple[State, torch.Tensor]:
        """Advance every member by one interaction (an LSTM cell step); (B, S) mean probabilities.

        The state is (1, B, K * H): member k's hidden units at k * H .. (k + 1) * H.
        """
        w = self._stacked()
        k, width = len(self.members), self.config.hidden
        batch = skills.shape[0]
        h = state[0][0].view(batch, k, width).transpose(0, 1)  # (K, B, H)
        c = state[1][0].view(batch, k, width).transpose(0, 1)
        x = w["embed"][:, skills + self.config.n_skills * responses]  # (K, B, E)
        gates = torch.bmm(x, w["w_ih"]) + torch.bmm(h, w["w_hh"]) + w["bias"]
        i, f, g, o = gates.chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        h_all = h.transpose(0, 1).reshape(batch, k * width)
        prob = torch.sigmoid(h_all @ w["w_out"] + w["b_out"])
        return (h_all.unsqueeze(0), c.transpose(0, 1).reshape(1, batch, k * width)), prob

    def initial_state(self, batch: int) -> State:
        """Zero LSTM states of every member, side by side."""
        zeros = torch.zeros(1, batch, self.config.hidden * len(self.members))
        return zeros, zeros.clone()

    def prior(self, batch: int) -> torch.Tensor:
        """(B, S) probabilities before any interaction."""
        return torch.sigmoid(torch.stack([m.out.bias for m in self._dkts()]).mean(dim=0)).expand(batch, -1)

    def next_prob(self, skills: torch.Tensor, responses: torch.Tensor) -> torch.Tensor:
        """(B, T) interactions -> (B, T, S) P(correct) on the next response."""
        return torch.sigmoid(torch.stack([m(skills, responses) for m in self._dkts()]).mean(dim=0))


def save_dkt(path: Path, model: DKTEnsemble, meta: dict[str, object]) -> None:
    """Write state_dict (.pt) and config, member count + metadata (.json)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), path)
    info = {"config": asdict(model.config), "members": len(model.members), **meta}
    path.with_suffix(".json").write_text(json.dumps(info, indent=1))


def load_dkt(path: Path) -> DKTEnsemble:
    """Load a learner-model checkpoint with ``weights_only=True``.

    Raises:
        KESModelError: when the files are missing, corrupted or of an older format (no member count).
    """
    try:
        meta = json.loads(path.with_suffix(".json").read_text())
        config = DKTConfig(**meta["config"])
        model = DKTEnsemble([DKT(config) for _ in range(int(meta["members"]))])
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    except Exception as exc:
        raise KESModelError(f"cannot load KES learner model {path}: {type(exc).__name__}") from exc
    model.eval()
    return model
