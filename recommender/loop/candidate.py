"""Fine-tuning a candidate policy: PPO on the simulator, plus a small feedback term after each batch.

The candidate starts from the serving checkpoint (or, with none, from a fresh network) and continues on
training seeds it has not used yet. After each PPO batch it takes a few gradient steps on the feedback
term (:mod:`recommender.loop.logged`): towards the skills of items students accepted and profited from
(log-likelihood), away from those they dismissed (``log(1 - p)``, bounded, so no answer can push a
probability to zero), and a KL pull towards the serving policy on the same states, so the feedback
nudges the policy rather than rewriting it. Whether the result is any good is the gate's question.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import torch

from recommender.loop.config import LoopConfig
from recommender.loop.logged import LoggedData
from recommender.rl.model import ActorCritic
from recommender.rl.ppo import PPOSettings, PPOTrainer
from recommender.simulation.base import Simulator


@dataclass(frozen=True)
class Candidate:
    """A fine-tuned policy and how it was trained (``end_iteration``: where the next run continues)."""

    model: ActorCritic
    iterations: int
    seconds: float
    start_iteration: int
    end_iteration: int


class FeedbackTerm:
    """The feedback loss over logged examples, with the KL pull towards a frozen reference policy."""

    def __init__(self, logged: LoggedData, reference: ActorCritic | None, config: LoopConfig) -> None:
        self.obs = torch.as_tensor(logged.obs, dtype=torch.float32)
        self.mask = torch.as_tensor(logged.mask, dtype=torch.bool)
        self.actions = torch.as_tensor(logged.actions, dtype=torch.float32)
        weight = torch.as_tensor(logged.weight, dtype=torch.float32)
        self.pos, self.neg = weight.clamp(min=0.0), (-weight).clamp(min=0.0)
        self.config = config
        self.reference_logp: torch.Tensor | None = None
        if reference is not None:
            with torch.no_grad():
                logits, _ = reference(self.obs, self.mask)
                self.reference_logp = torch.log_softmax(logits, dim=-1)

    def loss(self, model: ActorCritic) -> torch.Tensor:
        """``feedback_weight * (pull + push) + kl_weight * KL(reference || model)`` on the logged states."""
        logits, _ = model(self.obs, self.mask)
        logp = torch.log_softmax(logits, dim=-1)
        chosen_logp = (logp * self.actions).sum(-1)  # mean log-probability of the item's skills
        chosen_p = (logp.exp() * (self.actions > 0)).sum(-1).clamp(max=1.0 - 1e-6)
        term = -(self.pos * chosen_logp).sum() - (self.neg * torch.log1p(-chosen_p)).sum()
        loss = self.config.feedback_weight * term
        if self.reference_logp is not None:
            kl = (self.reference_logp.exp() * (self.reference_logp - logp)).sum(-1).mean()
            loss = loss + self.config.kl_weight * kl
        return loss

    def step(self, model: ActorCritic, optim: torch.optim.Optimizer) -> float:
        """One gradient step; returns the loss before it."""
        loss = self.loss(model)
        optim.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optim.step()
        return float(loss.item())


def fine_tune(
    sim: Simulator, serving: ActorCritic | None, logged: LoggedData, config: LoopConfig, start_iteration: int = 0
) -> Candidate:
    """A candidate policy: ``serving`` (or a fresh network) fine-tuned on ``sim`` and the feedback term.

    Args:
        sim: The training simulator (its skills are the policy's actions).
        serving: The policy to start from; None trains a fresh one.
        logged: Feedback examples for the policy's skills (may be empty).
        config: Iterations, time cap, learning rate and the feedback term's weights.
        start_iteration: First PPO batch index: training seeds continue after the ones already used.
    """
    settings = PPOSettings(
        batch_learners=config.batch_learners,
        lr=config.lr,
        hidden=serving.config.hidden if serving is not None else PPOSettings().hidden,
    )
    trainer = PPOTrainer(sim, "responses", settings, seed=config.seed)
    if serving is not None:
        trainer.model = copy.deepcopy(serving)
        trainer.optim = torch.optim.Adam(trainer.model.parameters(), lr=config.lr)
    trainer.model.train()
    trainer.iteration = start_iteration
    reference = copy.deepcopy(serving).eval() if serving is not None else None
    term = FeedbackTerm(logged, reference, config) if logged.n_examples else None
    start, done = time.monotonic(), 0
    while done < config.iterations and time.monotonic() - start < config.budget_s:
        trainer.train(max(config.budget_s - (time.monotonic() - start), 1e-3), max_iterations=1)
        done += 1
        if term is not None:
            for _ in range(config.feedback_steps):
                term.step(trainer.model, trainer.optim)
    trainer.model.eval()
    return Candidate(trainer.model, done, round(time.monotonic() - start, 3), start_iteration, trainer.iteration)
