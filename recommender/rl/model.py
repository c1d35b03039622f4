"""Actor-critic network with action masking."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn

NEG_INF = -1e9


@dataclass
class PolicyConfig:
    """Shape of a policy network and what it was trained on."""

    obs_dim: int
    n_actions: int
    view: str = "responses"  # "responses" (ours) or "privileged" (sees the true state)
    hidden: int = 128
    skills: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """JSON-serialisable form."""
        return asdict(self)


class ActorCritic(nn.Module):
    """Two-layer MLP trunk with a masked categorical actor head and a value head."""

    def __init__(self, config: PolicyConfig) -> None:
        """Build the network from its config."""
        super().__init__()
        self.config = config
        self.trunk = nn.Sequential(
            nn.Linear(config.obs_dim, config.hidden), nn.Tanh(),
            nn.Linear(config.hidden, config.hidden), nn.Tanh(),
        )
        self.actor = nn.Linear(config.hidden, config.n_actions)
        self.critic = nn.Linear(config.hidden, 1)
        nn.init.zeros_(self.actor.weight)  # start uniform over the accepted moves
        nn.init.zeros_(self.actor.bias)

    def forward(self, obs: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Masked logits (invalid actions at -1e9) and state values."""
        h = self.trunk(obs)
        logits = self.actor(h).masked_fill(~mask, NEG_INF)
        return logits, self.critic(h).squeeze(-1)

    def distribution(self, obs: torch.Tensor, mask: torch.Tensor) -> torch.distributions.Categorical:
        """The masked action distribution."""
        logits, _ = self.forward(obs, mask)
        return torch.distributions.Categorical(logits=logits)
