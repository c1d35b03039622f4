"""SeqKT: a DKT-family model that reads (skill, response) interactions with an LSTM/GRU and scores
the next attempt by querying its skill.

Plain DKT emits one output per skill from the hidden state. Here the hidden state before attempt t
is combined with an embedding of the asked skill and the window-local history features of that
skill (:mod:`recommender.kt.neural.features`) in a small MLP that outputs one logit. The model
exposes ``logits``/``loss``/``predict_proba``; fitting belongs to the trainer.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from recommender.kt.configs.neural import NeuralKTConfig
from recommender.kt.neural.features import N_FEATURES


@dataclass
class Batch:
    """Padded batch of windows (B windows, L positions).

    Attributes:
        skills: (B, L) skill indices (0 in padding).
        responses: (B, L) 0/1 responses (0 in padding).
        features: (B, L, N_FEATURES) history features of the asked skill.
        mask: (B, L) True where an interaction exists.
    """

    skills: Tensor
    responses: Tensor
    features: Tensor
    mask: Tensor

    @property
    def target_mask(self) -> Tensor:
        """Positions whose prediction is trained/scored: existing and not first of the window."""
        m = self.mask.clone()
        m[:, 0] = False
        return m


class SeqKT(nn.Module):
    """Recurrent knowledge-tracing model with a skill-query head."""

    def __init__(self, config: NeuralKTConfig) -> None:
        super().__init__()
        self.config = config
        d, h = config.emb_dim, config.hidden
        self.interaction = nn.Embedding(2 * config.n_skills, d)
        self.query = nn.Embedding(config.n_skills, d)
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[config.cell]
        self.rnn = rnn(d, h, num_layers=config.layers, batch_first=True)
        self.drop = nn.Dropout(config.dropout)
        n_feat = N_FEATURES if config.use_features else 0
        self.head = nn.Sequential(nn.Linear(h + d + n_feat, h), nn.ReLU(), nn.Dropout(config.dropout), nn.Linear(h, 1))

    def states(self, skills: Tensor, responses: Tensor) -> Tensor:
        """(B, L, H) knowledge state *before* each position (zeros before the first)."""
        x = self.interaction(skills * 2 + responses)
        out, _ = self.rnn(x)
        out = self.drop(out)
        return torch.cat([torch.zeros_like(out[:, :1]), out[:, :-1]], dim=1)

    def score(self, state: Tensor, query_skills: Tensor, features: Tensor) -> Tensor:
        """Logits of answering ``query_skills`` correctly from knowledge ``state``."""
        parts = [state, self.query(query_skills)]
        if self.config.use_features:
            parts.append(features)
        out: Tensor = self.head(torch.cat(parts, dim=-1))
        return out.squeeze(-1)

    def logits(self, batch: Batch) -> Tensor:
        """(B, L) logit of a correct answer at every position given earlier positions."""
        return self.score(self.states(batch.skills, batch.responses), batch.skills, batch.features)

    def loss(self, batch: Batch) -> Tensor:
        """Mean binary cross-entropy over the scored positions."""
        m = batch.target_mask
        return nn.functional.binary_cross_entropy_with_logits(self.logits(batch)[m], batch.responses[m].float())

    @torch.no_grad()
    def predict_proba(self, batch: Batch, scale: float = 1.0, bias: float = 0.0) -> Tensor:
        """Calibrated P(correct) at every position (eval mode is the caller's job)."""
        return torch.sigmoid(self.logits(batch) * scale + bias)
