"""BKT EM recovers the parameters that generated synthetic data."""

import numpy as np

from recommender.kt.bkt import BKTModel, BKTParams
from recommender.kt.bkt_em import fit_bkt_em
from recommender.kt.data import KTSequence

TRUE = BKTParams(
    prior=np.array([0.2, 0.6]),
    learn=np.array([0.15, 0.05]),
    guess=np.array([0.25, 0.1]),
    slip=np.array([0.1, 0.2]),
)


def _simulate(n_students: int, length: int, seed: int) -> list[KTSequence]:
    rng = np.random.default_rng(seed)
    out = []
    for u in range(n_students):
        skills = rng.integers(0, 2, size=length)
        known = rng.uniform(size=2) < TRUE.prior
        resp = np.empty(length, dtype=np.int64)
        for t, k in enumerate(skills):
            p = 1 - TRUE.slip[k] if known[k] else TRUE.guess[k]
            resp[t] = rng.uniform() < p
            known[k] = known[k] or rng.uniform() < TRUE.learn[k]
        out.append(KTSequence(str(u), skills.astype(np.int64), resp))
    return out


def test_em_recovers_generating_parameters_roughly() -> None:
    fitted = fit_bkt_em(_simulate(1500, 24, seed=1), n_skills=3).params
    for name in ("prior", "learn", "guess", "slip"):
        got, want = getattr(fitted, name)[:2], getattr(TRUE, name)
        assert np.allclose(got, want, atol=0.06), (name, got, want)
    # skill 2 has no data: it keeps the cold-start defaults
    assert fitted.guess[2] == BKTParams.defaults(3).guess[2]


def test_fitted_bkt_predicts_better_after_correct_answers() -> None:
    model = BKTModel(TRUE)
    after_right, _ = model.trace([0, 0, 0, 0], [1, 1, 1, 1])
    after_wrong, _ = model.trace([0, 0, 0, 0], [0, 0, 0, 0])
    assert after_right[-1] > after_wrong[-1]
    assert after_right[0] == after_wrong[0]  # nothing known before the first answer
