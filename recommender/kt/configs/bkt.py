"""Defaults of Bayesian Knowledge Tracing: initial/default parameters, bounds and EM settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BKTConfig:
    """BKT parameters are per skill: prior P(L0), learn P(T), guess P(G), slip P(S); no forgetting.

    The defaults double as cold-start priors for a skill without data. Guess and slip are bounded
    (the usual 0.3 ceiling) so EM cannot swap the meaning of the known/unknown states.

    Attributes:
        prior: Default P(L0).
        learn: Default P(T).
        guess: Default P(G).
        slip: Default P(S).
        max_guess: Upper bound of P(G).
        max_slip: Upper bound of P(S).
        min_prob: Lower bound of every parameter (and 1 - it the upper bound of prior/learn).
        pseudo_count: Strength (in pseudo-attempts) of the defaults as a MAP prior in EM, so skills
            with few attempts stay near the defaults.
        n_iter: Maximum EM iterations.
        tol: Stop when the mean log-likelihood per attempt improves less than this.
    """

    prior: float = 0.4
    learn: float = 0.1
    guess: float = 0.2
    slip: float = 0.1
    max_guess: float = 0.3
    max_slip: float = 0.3
    min_prob: float = 1e-3
    pseudo_count: float = 2.0
    n_iter: int = 40
    tol: float = 1e-5
