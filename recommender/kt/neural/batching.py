"""Turns windows into padded, length-bucketed batches (short windows are batched together)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch

from recommender.kt.data import KTSequence
from recommender.kt.neural.features import F32, N_FEATURES, window_features
from recommender.kt.neural.model import Batch


class WindowSet:
    """Windows with their precomputed features, ready to batch."""

    def __init__(self, windows: Sequence[KTSequence]) -> None:
        self.windows = list(windows)
        self.features: list[F32] = [window_features(w.skills.tolist(), w.responses.tolist()) for w in self.windows]
        self.lengths = np.array([len(w) for w in self.windows], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.windows)

    def make_batch(self, idx: Sequence[int]) -> Batch:
        """Pad the windows ``idx`` into one batch."""
        width = int(max(self.lengths[i] for i in idx))
        b = len(idx)
        skills = np.zeros((b, width), dtype=np.int64)
        resp = np.zeros((b, width), dtype=np.int64)
        feats = np.zeros((b, width, N_FEATURES), dtype=np.float32)
        mask = np.zeros((b, width), dtype=bool)
        for row, i in enumerate(idx):
            w, n = self.windows[i], int(self.lengths[i])
            skills[row, :n], resp[row, :n] = w.skills, w.responses
            feats[row, :n] = self.features[i]
            mask[row, :n] = True
        return Batch(torch.from_numpy(skills), torch.from_numpy(resp), torch.from_numpy(feats), torch.from_numpy(mask))

    def batches(self, batch_tokens: int, rng: np.random.Generator | None = None) -> Iterator[tuple[list[int], Batch]]:
        """Yield (window indices, batch) with about ``batch_tokens`` padded positions each.

        Windows are sorted by length (jittered when ``rng`` is given, so batches vary between
        epochs) and the batch order is shuffled when ``rng`` is given.
        """
        keys = self.lengths.astype(np.float64)
        if rng is not None:
            keys = keys * rng.uniform(0.9, 1.1, size=keys.size)
        order = np.argsort(keys, kind="stable")
        groups: list[list[int]] = []
        cur: list[int] = []
        cur_max = 0
        for i in order.tolist():
            width = max(int(self.lengths[i]), cur_max)
            if cur and width * (len(cur) + 1) > batch_tokens:
                groups.append(cur)
                cur, width = [], int(self.lengths[i])
            cur.append(i)
            cur_max = width
        if cur:
            groups.append(cur)
        if rng is not None:
            rng.shuffle(groups)  # type: ignore[arg-type]
        for g in groups:
            yield g, self.make_batch(g)
