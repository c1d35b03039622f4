"""Fits BKT per skill with EM (Baum-Welch), vectorised over all (student, skill) subsequences.

Each student's attempts on one skill form an independent HMM chain. Chains are grouped by length
into padded buckets and every bucket runs a scaled forward-backward pass in numpy with per-row
parameters gathered from the per-skill vectors; expected counts are summed per skill with
``np.bincount``. The defaults act as a MAP prior of ``pseudo_count`` pseudo-attempts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recommender.kt.bkt import BKTModel, BKTParams
from recommender.kt.configs.bkt import BKTConfig
from recommender.kt.data import FloatArray, IntArray, KTSequence

log = logging.getLogger(__name__)


@dataclass
class _Bucket:
    skill: IntArray  # (N,) skill of each chain
    obs: FloatArray  # (N, T) responses, 0 in padding
    mask: FloatArray  # (N, T) 1 where observed
    last: IntArray  # (N,) index of last observation


def _chains(seqs: Sequence[KTSequence]) -> list[tuple[int, IntArray]]:
    chains: list[tuple[int, IntArray]] = []
    for s in seqs:
        order = np.argsort(s.skills, kind="stable")
        sk, rs = s.skills[order], s.responses[order]
        cuts = np.flatnonzero(np.diff(sk)) + 1
        for part_k, part_r in zip(np.split(sk, cuts), np.split(rs, cuts), strict=True):
            if part_k.size:
                chains.append((int(part_k[0]), part_r))
    return chains


def _buckets(chains: list[tuple[int, IntArray]], growth: float = 1.5) -> list[_Bucket]:
    chains = sorted(chains, key=lambda c: c[1].size)
    out: list[_Bucket] = []
    i = 0
    while i < len(chains):
        limit = max(2, int(chains[i][1].size * growth))
        j = i
        while j < len(chains) and chains[j][1].size <= limit:
            j += 1
        group = chains[i:j]
        width = group[-1][1].size
        obs = np.zeros((len(group), width))
        mask = np.zeros((len(group), width))
        for r, (_, resp) in enumerate(group):
            obs[r, : resp.size] = resp
            mask[r, : resp.size] = 1
        skill = np.array([k for k, _ in group], dtype=np.int64)
        last = np.array([c[1].size - 1 for c in group], dtype=np.int64)
        out.append(_Bucket(skill, obs, mask, last))
        i = j
    return out


def _e_step(b: _Bucket, pr: BKTParams, acc: dict[str, FloatArray], n_skills: int) -> float:
    """Forward-backward on one bucket; adds expected counts to ``acc``; returns the log-likelihood."""
    L0, T, G, S = (x[b.skill] for x in (pr.prior, pr.learn, pr.guess, pr.slip))
    n, width = b.obs.shape
    e1 = np.where(b.obs == 1, 1 - S[:, None], S[:, None])  # P(obs | known)
    e0 = np.where(b.obs == 1, G[:, None], 1 - G[:, None])  # P(obs | unknown)
    filt = np.empty((n, width))
    scale = np.ones((n, width))
    pk = L0.copy()
    for t in range(width):
        a1, a0 = pk * e1[:, t], (1 - pk) * e0[:, t]
        c = a1 + a0
        filt[:, t] = a1 / c
        scale[:, t] = np.where(b.mask[:, t] > 0, c, 1.0)
        pk = filt[:, t] + (1 - filt[:, t]) * T
    b_known = np.ones(n)
    b_unk = np.ones(n)
    g_known = np.empty((n, width))
    xi = np.zeros((n, width))
    for t in range(width - 1, -1, -1):
        gk = filt[:, t] * b_known
        g_known[:, t] = gk / (gk + (1 - filt[:, t]) * b_unk)
        if t == 0:
            break
        nxt = b.mask[:, t] > 0  # step t-1 -> t exists only if t is observed
        c = scale[:, t]
        # xi(t-1): unknown at t-1 and known at t
        xi[:, t - 1] = np.where(nxt, (1 - filt[:, t - 1]) * T * e1[:, t] * b_known / c, 0.0)
        new_known = np.where(nxt, e1[:, t] * b_known / c, 1.0)
        new_unk = np.where(nxt, ((1 - T) * e0[:, t] * b_unk + T * e1[:, t] * b_known) / c, 1.0)
        b_known, b_unk = new_known, new_unk
    g_known *= b.mask
    g_unk = (1 - g_known) * b.mask
    not_last = b.mask.copy()
    not_last[np.arange(n), b.last] = 0
    sk = b.skill

    def add(key: str, w: FloatArray) -> None:
        acc[key] += np.bincount(sk, weights=w, minlength=n_skills)

    add("prior", g_known[:, 0])
    add("chains", np.ones(n))
    add("learn", xi.sum(1))
    add("unk_before", (g_unk * not_last).sum(1))
    add("guess", (g_unk * b.obs).sum(1))
    add("unk", g_unk.sum(1))
    add("slip", (g_known * (1 - b.obs)).sum(1))
    add("known", g_known.sum(1))
    return float(np.log(scale).sum())


def fit_bkt_em(seqs: Sequence[KTSequence], n_skills: int, config: BKTConfig | None = None) -> BKTModel:
    """Fit per-skill BKT parameters with EM.

    Args:
        seqs: Training sequences (skill indices must be < ``n_skills``).
        n_skills: Size of the skill vocabulary; skills without data keep the defaults.
        config: Defaults, bounds and EM settings.

    Returns:
        The fitted model.
    """
    cfg = config or BKTConfig()
    params = BKTParams.defaults(n_skills, cfg)
    buckets = _buckets(_chains(seqs))
    n_obs = sum(float(b.mask.sum()) for b in buckets)
    if not n_obs:
        return BKTModel(params)
    m, lo = cfg.pseudo_count, cfg.min_prob
    prev = -np.inf
    for it in range(cfg.n_iter):
        keys = ("prior", "chains", "learn", "unk_before", "guess", "unk", "slip", "known")
        acc = {k: np.zeros(n_skills) for k in keys}
        ll = sum(_e_step(b, params, acc, n_skills) for b in buckets) / n_obs
        params = BKTParams(
            prior=np.clip((acc["prior"] + m * cfg.prior) / (acc["chains"] + m), lo, 1 - lo),
            learn=np.clip((acc["learn"] + m * cfg.learn) / (acc["unk_before"] + m), lo, 1 - lo),
            guess=np.clip((acc["guess"] + m * cfg.guess) / (acc["unk"] + m), lo, cfg.max_guess),
            slip=np.clip((acc["slip"] + m * cfg.slip) / (acc["known"] + m), lo, cfg.max_slip),
        )
        log.debug("BKT EM iteration %d: mean log-likelihood %.5f", it, ll)
        if ll - prev < cfg.tol:
            break
        prev = ll
    return BKTModel(params)
