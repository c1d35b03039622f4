"""PPO with action masking, trained in a simulator; checkpoints allow resuming."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from recommender.rl.checkpoint import load_checkpoint, save_checkpoint
from recommender.rl.features import ResponseTracker, obs_dim
from recommender.rl.model import ActorCritic, PolicyConfig
from recommender.rl.trained_policy import observe_state
from recommender.simulation.base import Simulator

TRAIN_SEED_BASE = 1_000_000  # training learners come from seeds >= this; tests use small seeds
SEED_STRIDE = 100_000  # each training seed draws its learners from its own block of seeds


@dataclass
class PPOSettings:
    """PPO hyper-parameters (defaults in one place)."""

    batch_learners: int = 256
    horizons: tuple[int, ...] = (20, 20, 10)  # cycled per batch, so one policy serves both lengths
    epochs: int = 4
    minibatch: int = 1024
    lr: float = 2e-3  # 1e-3 learnt more slowly per second on KSS and the sample course (validation learners)
    clip: float = 0.2
    entropy: float = 0.01  # 0.003 left some sample-course seeds on a plateau (validation E_p 0.47 vs 0.52)
    value_coef: float = 0.5
    lam: float = 0.95
    hidden: int = 128


@dataclass
class Rollout:
    """One batch of transitions, time-major."""

    obs: torch.Tensor
    mask: torch.Tensor
    actions: torch.Tensor
    logp: torch.Tensor
    values: torch.Tensor
    rewards: torch.Tensor


class PPOTrainer:
    """Owns the fitting loop and checkpoints of one policy on one simulator."""

    def __init__(self, sim: Simulator, view: str = "responses", settings: PPOSettings | None = None,
                 seed: int = 0) -> None:
        """Create a fresh policy for ``sim`` seen through ``view`` ("responses" or "privileged")."""
        self.sim, self.view = sim, view
        self.settings = settings or PPOSettings()
        torch.manual_seed(seed)
        config = PolicyConfig(obs_dim(view, sim.n_skills), sim.n_skills, view, self.settings.hidden,
                              list(sim.graph.nodes))
        self.model = ActorCritic(config)
        self.optim = torch.optim.Adam(self.model.parameters(), lr=self.settings.lr)
        self.iteration, self.elapsed = 0, 0.0
        self.gen = torch.Generator().manual_seed(seed)
        self.seed = seed
        self.learner_seed_base = TRAIN_SEED_BASE + SEED_STRIDE * seed

    def resume(self, path: Path) -> None:
        """Continue from a checkpoint written by :meth:`save` (raises CheckpointError)."""
        model, meta, optim_state = load_checkpoint(path)
        self.model = model
        self.model.train()
        self.optim = torch.optim.Adam(self.model.parameters(), lr=self.settings.lr)
        if optim_state is not None:
            self.optim.load_state_dict(optim_state)
            for group in self.optim.param_groups:  # the saved state carries its own rate: train at today's
                group["lr"] = self.settings.lr
        self.iteration = int(meta.get("iteration", 0))
        self.elapsed = float(meta.get("train_seconds", 0.0))

    def save(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        """Write the policy, optimizer and progress."""
        meta = {"iteration": self.iteration, "train_seconds": round(self.elapsed, 2),
                "settings": asdict(self.settings), "seed": self.seed, "train_seed_base": self.learner_seed_base,
                **(extra or {})}
        save_checkpoint(path, self.model, meta, self.optim)

    def collect(self, seed: int, horizon: int) -> Rollout:
        """Run the current (sampling) policy on a batch of training learners."""
        sim, n = self.sim, self.settings.batch_learners
        sim.reset(n, seed)
        tracker = ResponseTracker.from_simulator(sim)
        room = np.maximum(sim.e_sup() - sim.e_start, 1e-9)
        prev = sim.e_start.copy()
        buf: dict[str, list[torch.Tensor]] = {k: [] for k in ("obs", "mask", "act", "logp", "val", "rew")}
        for step in range(horizon):
            obs = torch.as_tensor(observe_state(sim, tracker, self.view, horizon - step), dtype=torch.float32)
            mask = torch.as_tensor(sim.accepted())
            with torch.no_grad():
                logits, value = self.model(obs, mask)
                logp_all = torch.log_softmax(logits, dim=-1)
                act = torch.multinomial(logp_all.exp(), 1, generator=self.gen).squeeze(1)
            actions = act.numpy()
            responses = sim.step(actions)
            tracker.update(actions, responses)
            score = sim.exam()
            buf["rew"].append(torch.as_tensor((score - prev) / room, dtype=torch.float32))
            prev = score
            chosen_logp = logp_all.gather(1, act[:, None]).squeeze(1)
            for key, val in (("obs", obs), ("mask", mask), ("act", act), ("logp", chosen_logp), ("val", value)):
                buf[key].append(val)
        return Rollout(*(torch.stack(buf[k]) for k in ("obs", "mask", "act", "logp", "val", "rew")))

    def update(self, roll: Rollout) -> float:
        """A PPO update (GAE with gamma = 1: an episode's reward sums to its E_p)."""
        steps = roll.rewards.shape[0]
        adv = torch.zeros_like(roll.rewards)
        running = torch.zeros_like(roll.rewards[0])
        for t in reversed(range(steps)):
            nxt = roll.values[t + 1] if t + 1 < steps else torch.zeros_like(running)
            delta = roll.rewards[t] + nxt - roll.values[t]
            running = delta + self.settings.lam * running
            adv[t] = running
        returns = (adv + roll.values).flatten()
        adv_flat = adv.flatten()
        adv_flat = (adv_flat - adv_flat.mean()) / (adv_flat.std() + 1e-8)
        obs, mask = roll.obs.flatten(0, 1), roll.mask.flatten(0, 1)
        acts, old_logp = roll.actions.flatten(), roll.logp.flatten()
        total = len(acts)
        loss_value = 0.0
        for _ in range(self.settings.epochs):
            for idx in torch.split(torch.randperm(total, generator=self.gen), self.settings.minibatch):
                logits, value = self.model(obs[idx], mask[idx])
                logp_all = torch.log_softmax(logits, dim=-1)
                entropy = -(logp_all.exp() * logp_all).sum(-1).mean()
                ratio = torch.exp(logp_all.gather(1, acts[idx, None]).squeeze(1) - old_logp[idx])
                clipped = torch.clamp(ratio, 1 - self.settings.clip, 1 + self.settings.clip)
                pg = -torch.min(ratio * adv_flat[idx], clipped * adv_flat[idx]).mean()
                vloss = (value - returns[idx]).pow(2).mean()
                loss = pg + self.settings.value_coef * vloss - self.settings.entropy * entropy
                self.optim.zero_grad()
                loss.backward()  # type: ignore[no-untyped-call]
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), 0.5)
                self.optim.step()
                loss_value = loss.item()
        return loss_value

    def train(self, budget_s: float, checkpoint: Path | None = None, max_iterations: int | None = None,
              log_every: int = 0, checkpoint_every: int = 25, until_total: bool = False) -> dict[str, float]:
        """Train until the time budget or the iteration cap runs out, checkpointing as it goes.

        Args:
            budget_s: Wall-clock seconds for this call.
            checkpoint: Where to save (periodically and at the end); None to keep in memory.
            max_iterations: Batches to run in this call, or in total when ``until_total`` (for resuming).
            log_every: Print progress to stderr every this many batches (0: quiet).
            checkpoint_every: Save every this many batches, so an interrupted run can resume.
            until_total: Count ``max_iterations`` from the start of training, not of this call.

        Returns:
            Progress: total iterations, total seconds, mean episode E_p of the last batch.
        """
        start, last_ep, done = time.monotonic(), 0.0, 0
        cap = max_iterations
        if cap is not None and until_total:
            cap = max(cap - self.iteration, 0)
        while time.monotonic() - start < budget_s and (cap is None or done < cap):
            horizon = self.settings.horizons[self.iteration % len(self.settings.horizons)]
            roll = self.collect(self.learner_seed_base + self.iteration, horizon)
            last_ep = float(roll.rewards.sum(0).mean())
            self.update(roll)
            self.iteration += 1
            done += 1
            if log_every and self.iteration % log_every == 0:
                print(f"  [{self.view}] it={self.iteration} h={horizon} batch E_p={last_ep:.3f} "
                      f"t={time.monotonic() - start:.0f}s", file=sys.stderr, flush=True)
            if checkpoint is not None and checkpoint_every and self.iteration % checkpoint_every == 0:
                self.save(checkpoint, {"train_seconds": round(self.elapsed + time.monotonic() - start, 2)})
        self.elapsed += time.monotonic() - start
        if checkpoint is not None:
            self.save(checkpoint)
        return {"iterations": float(self.iteration), "seconds": self.elapsed, "last_batch_ep": last_ep}
