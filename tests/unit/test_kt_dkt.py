"""The plain DKT baseline learns, predicts each attempt from earlier ones only, and ignores padding."""

from collections.abc import Iterator

import numpy as np
import pytest
import torch

from recommender.kt.configs.dkt import DKTConfig
from recommender.kt.data import KTSequence, windows
from recommender.kt.evaluator import evaluate
from recommender.kt.neural.batching import WindowSet
from recommender.kt.neural.dkt import DKT, fit_dkt


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """Tiny models run fastest single-threaded (thread hand-offs dominate on a busy machine)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


SMALL = DKTConfig(n_skills=4, emb_size=16, dropout=0.0, lr=1e-2, batch_tokens=512, max_epochs=15, patience=15)


def _data(n: int, seed: int, length: int = 30) -> list[KTSequence]:
    """Skill 0 is always right, skill 1 always wrong, skills 2/3 repeat the previous answer."""
    rng = np.random.default_rng(seed)
    out = []
    for u in range(n):
        skills = rng.integers(0, 4, size=length)
        resp = np.zeros(length, dtype=np.int64)
        for t, k in enumerate(skills):
            resp[t] = 1 if k == 0 else 0 if k == 1 else (resp[t - 1] if t else 1)
        out.append(KTSequence(str(u), skills.astype(np.int64), resp))
    return out


def test_dkt_learns_a_predictable_pattern_on_unseen_students() -> None:
    model, report = fit_dkt(SMALL, WindowSet(_data(60, 1)), WindowSet(_data(15, 2)), budget_s=120)
    assert 1 <= report.best_epoch <= report.epochs == len(report.history)
    metrics = evaluate(model, windows(_data(20, 3)))
    assert metrics.auc > 0.95
    assert model.name == "dkt"


def test_predictions_have_one_value_per_position_and_ignore_padding() -> None:
    torch.manual_seed(0)
    net = DKT(SMALL).eval()
    data = WindowSet([*_data(2, 4, length=7), *_data(1, 5, length=19)])
    batch = data.make_batch([0, 1, 2])
    logits = net.logits(batch)
    assert logits.shape == batch.skills.shape == (3, 19)
    for i in range(3):  # a short window padded beside a long one is predicted as if alone
        alone = net.logits(data.make_batch([i]))[0]
        torch.testing.assert_close(logits[i, : int(data.lengths[i])], alone)
    assert not batch.target_mask[:, 0].any() and int(batch.target_mask.sum()) == 6 + 6 + 18


def test_the_answer_being_predicted_never_informs_its_prediction() -> None:
    torch.manual_seed(0)
    net = DKT(SMALL).eval()
    w = _data(1, 6, length=12)[0]
    base = net.logits(WindowSet([w]).make_batch([0]))[0]
    for t in range(12):
        flipped = w.responses.copy()
        flipped[t:] = 1 - flipped[t:]  # this answer and every later one
        changed = net.logits(WindowSet([KTSequence("u", w.skills, flipped)]).make_batch([0]))[0]
        torch.testing.assert_close(changed[: t + 1], base[: t + 1])
        if t + 1 < 12:
            assert not torch.allclose(changed[t + 1], base[t + 1])  # the next prediction does read it


def test_loss_counts_only_scored_positions() -> None:
    torch.manual_seed(0)
    net = DKT(SMALL).eval()
    batch = WindowSet([*_data(1, 7, length=5), *_data(1, 8, length=9)]).make_batch([0, 1])
    m = batch.target_mask
    want = torch.nn.functional.binary_cross_entropy_with_logits(net.logits(batch)[m], batch.responses[m].float())
    torch.testing.assert_close(net.loss(batch), want)
    assert int(m.sum()) == 4 + 8  # neither the first position of a window nor padding
    batch.responses[0, 5:], batch.skills[0, 5:] = 1, 3  # whatever the padding holds
    torch.testing.assert_close(net.loss(batch), want)
