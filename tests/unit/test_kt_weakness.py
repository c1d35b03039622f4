"""The weakness analyzer as the product uses it after a quiz submission."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import torch

from recommender.kt.configs import NeuralKTConfig, TrainConfig
from recommender.weakness import WeaknessAnalyzer, train_course_model


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """Tiny models run fastest single-threaded (thread hand-offs dominate on a busy machine)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _attempt(i: int, skill: str, correct: bool) -> dict[str, object]:
    return {"question_id": f"q{i}", "skills": [skill], "correct": correct, "at": T0 + timedelta(minutes=i)}


def _history() -> list[dict[str, object]]:
    loops = [True, True, False, False, False]  # started well, then repeated recent errors
    funcs = [False, True, True, True, True]
    out = []
    for i, (a, b) in enumerate(zip(loops, funcs, strict=True)):
        out += [_attempt(2 * i, "python.loops", a), _attempt(2 * i + 1, "python.functions", b)]
    return out


def test_repeated_recent_errors_rank_a_skill_weaker_than_a_mastered_one() -> None:
    result = WeaknessAnalyzer().analyze(_history())
    m = result["mastery"]
    assert m["python.loops"]["p"] < m["python.functions"]["p"]
    assert m["python.loops"]["attempts"] == 5 and m["python.functions"]["correct"] == 4
    lo, hi = m["python.loops"]["ci"]
    assert 0 <= lo <= m["python.loops"]["p"] <= hi <= 1
    weak = result["weak_areas"]
    assert weak[0]["skill"] == "python.loops"
    assert weak[0]["recent_errors"] == 3
    assert weak[0]["last_seen"] == (T0 + timedelta(minutes=8)).isoformat()
    assert "python.functions" not in [w["skill"] for w in weak]
    assert "3 of the last 5" in weak[0]["reason"]


def test_empty_history_gives_no_weak_areas_and_wide_intervals() -> None:
    result = WeaknessAnalyzer().analyze([], skills=["python.loops"])
    assert result["weak_areas"] == []
    entry = result["mastery"]["python.loops"]
    assert entry["attempts"] == 0 and entry["ci"][1] - entry["ci"][0] > 0.5
    assert WeaknessAnalyzer().analyze([]) == {"mastery": {}, "weak_areas": [], "model": "bkt"}


def _cohort(n: int, seed: int) -> list[list[dict[str, object]]]:
    """Students who always fail "hard" and mostly pass "easy"."""
    rng = np.random.default_rng(seed)
    return [
        [
            _attempt(i, s, bool(s == "easy" and rng.uniform() < 0.9))
            for i, s in enumerate(rng.choice(["easy", "hard"], 12))
        ]
        for _ in range(n)
    ]


def test_course_training_switches_from_bkt_to_neural_and_survives_a_corrupted_model(tmp_path: Path) -> None:
    small = train_course_model(_cohort(5, 0), ["easy", "hard"], tmp_path)
    assert small.name == "course-v0001.json"
    analyzer = WeaknessAnalyzer.from_dir(tmp_path)
    assert analyzer.neural is None and "hard" in analyzer.bkt
    big = train_course_model(
        _cohort(60, 1),
        ["easy", "hard"],
        tmp_path,
        budget_s=20,
        min_neural_interactions=100,
        model_config=NeuralKTConfig(emb_dim=8, hidden=16),
        train_config=TrainConfig(max_epochs=8, patience=8),
    )
    analyzer = WeaknessAnalyzer.from_dir(tmp_path)
    result = analyzer.analyze(_cohort(1, 2)[0])
    assert result["model"] == "neural"
    assert result["mastery"]["hard"]["p"] < result["mastery"]["easy"]["p"]
    big.with_suffix(".pt").write_bytes(b"corrupted")
    fallback = WeaknessAnalyzer.from_dir(tmp_path).analyze(_cohort(1, 2)[0])
    assert fallback["model"] == "bkt"
    assert fallback["mastery"]["hard"]["p"] < fallback["mastery"]["easy"]["p"]
