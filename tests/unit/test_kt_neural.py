"""The neural model learns, its checkpoints round-trip, and training resumes."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

from recommender.kt.checkpoint import CheckpointError, latest_checkpoint
from recommender.kt.configs.neural import NeuralKTConfig, TrainConfig
from recommender.kt.data import KTSequence, windows
from recommender.kt.neural.batching import WindowSet
from recommender.kt.neural.model import SeqKT
from recommender.kt.neural.predictor import NeuralKT, combine
from recommender.kt.neural.trainer import TRAIN_STATE, NeuralTrainer


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """Tiny models run fastest single-threaded (thread hand-offs dominate on a busy machine)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


SMALL = NeuralKTConfig(n_skills=4, emb_dim=8, hidden=16, dropout=0.0)


def _data(n: int, seed: int) -> list[KTSequence]:
    """Skill 0 is always right, skill 1 always wrong, skills 2/3 repeat the previous answer."""
    rng = np.random.default_rng(seed)
    out = []
    for u in range(n):
        skills = rng.integers(0, 4, size=30)
        resp = np.zeros(30, dtype=np.int64)
        for t, k in enumerate(skills):
            resp[t] = 1 if k == 0 else 0 if k == 1 else (resp[t - 1] if t else 1)
        out.append(KTSequence(str(u), skills.astype(np.int64), resp))
    return out


def test_loss_decreases_over_a_few_steps() -> None:
    torch.manual_seed(0)
    model = SeqKT(SMALL)
    batch = WindowSet(_data(32, 0)).make_batch(list(range(32)))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    first = model.loss(batch).item()
    for _ in range(30):
        opt.zero_grad()
        model.loss(batch).backward()
        opt.step()
    assert model.loss(batch).item() < 0.7 * first


def _fit(tmp_path: Path, epochs: int, resume: bool = False) -> tuple[NeuralKT, int]:
    cfg = TrainConfig(max_epochs=epochs, batch_tokens=512, patience=10)
    trainer = NeuralTrainer(SMALL, cfg, out_dir=tmp_path)
    model, report = trainer.fit(WindowSet(_data(40, 1)), WindowSet(_data(10, 2)), budget_s=60, resume=resume)
    return model, len(report.history)


def test_checkpoint_round_trip_gives_identical_predictions(tmp_path: Path) -> None:
    first, _ = _fit(tmp_path / "a", epochs=1)
    second, _ = _fit(tmp_path / "b", epochs=2)
    model = combine([first, second], WindowSet(_data(10, 2)))  # a two-member ensemble
    assert len(model.members) == 2
    model.skills = ["a", "b", "c", "d"]
    p1 = model.save(tmp_path, metrics={"auc": 0.5})
    p2 = model.save(tmp_path)
    assert p1.name == "neural-v0001.json" and p2.name == "neural-v0002.json"
    assert latest_checkpoint(tmp_path, "neural") == p2
    loaded = NeuralKT.load(p1)
    test = windows(_data(3, 3))
    for a, b in zip(model.predict(test), loaded.predict(test), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert loaded.skills == ["a", "b", "c", "d"]


def test_corrupted_or_missing_checkpoint_raises_checkpoint_error(tmp_path: Path) -> None:
    model, _ = _fit(tmp_path, epochs=1)
    path = model.save(tmp_path)
    path.with_suffix(".pt").write_bytes(b"not a torch file")
    with pytest.raises(CheckpointError):
        NeuralKT.load(path)
    with pytest.raises(CheckpointError):
        NeuralKT.load(tmp_path / "neural-v0099.json")
    path.write_text("{broken")
    with pytest.raises(CheckpointError):
        NeuralKT.load(path)


def test_training_resumes_from_saved_state(tmp_path: Path) -> None:
    _fit(tmp_path, epochs=1)
    assert (tmp_path / TRAIN_STATE).exists()
    _, new_epochs = _fit(tmp_path, epochs=3, resume=True)
    assert new_epochs == 2  # epochs 2 and 3 only: epoch 1 came from the saved state


def test_trained_model_learns_the_synthetic_rules(tmp_path: Path) -> None:
    model, _ = _fit(tmp_path, epochs=8)
    m = model.mastery([2, 3], [1, 1])
    assert m[0] > m[1]  # skill 0 is always answered right, skill 1 always wrong
