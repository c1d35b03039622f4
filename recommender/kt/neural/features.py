"""Window-local history features of the skill being asked, computed only from earlier attempts.

For the attempt at position t on skill q the features are: log attempts on q so far, smoothed
correct rate on q, last answer on q, whether q was seen, log steps since q was last seen, the
student's smoothed overall correct rate, log position, and the log lengths of the current streaks of
right and of wrong answers on q (skill-builder assignments end after a run of right answers). They
restate, in a form a small network learns quickly, the per-skill evidence that BKT and the baseline
use.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]

N_FEATURES = 9


class HistoryState:
    """Running per-skill counts of one student's window."""

    def __init__(self) -> None:
        self.n: dict[int, int] = {}
        self.c: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.last_t: dict[int, int] = {}
        self.right_run: dict[int, int] = {}
        self.wrong_run: dict[int, int] = {}
        self.t = 0
        self.c_all = 0

    def features(self, skill: int) -> list[float]:
        """Features of a next attempt on ``skill`` given the history so far."""
        n = self.n.get(skill, 0)
        seen = n > 0
        gap = self.t - self.last_t[skill] if seen else 0
        return [
            float(np.log1p(n)),
            (self.c.get(skill, 0) + 1.0) / (n + 2.0),
            float(self.last.get(skill, 0)),
            float(seen),
            float(np.log1p(gap)),
            (self.c_all + 1.0) / (self.t + 2.0),
            float(np.log1p(self.t)),
            float(np.log1p(self.right_run.get(skill, 0))),
            float(np.log1p(self.wrong_run.get(skill, 0))),
        ]

    def update(self, skill: int, response: int) -> None:
        """Record one attempt."""
        self.n[skill] = self.n.get(skill, 0) + 1
        self.c[skill] = self.c.get(skill, 0) + int(response)
        self.last[skill] = int(response)
        self.last_t[skill] = self.t
        ok = bool(response)
        self.right_run[skill] = self.right_run.get(skill, 0) + 1 if ok else 0
        self.wrong_run[skill] = 0 if ok else self.wrong_run.get(skill, 0) + 1
        self.t += 1
        self.c_all += int(response)


def window_features(skills: Sequence[int], responses: Sequence[int]) -> F32:
    """(L, N_FEATURES) features of every position of one window."""
    st = HistoryState()
    out = np.empty((len(skills), N_FEATURES), dtype=np.float32)
    for t, (k, r) in enumerate(zip(skills, responses, strict=True)):
        out[t] = st.features(int(k))
        st.update(int(k), int(r))
    return out


def query_features(skills: Sequence[int], responses: Sequence[int], queries: Sequence[int]) -> F32:
    """(len(queries), N_FEATURES) features of a hypothetical next attempt on each queried skill."""
    st = HistoryState()
    for k, r in zip(skills, responses, strict=True):
        st.update(int(k), int(r))
    return np.asarray([st.features(int(q)) for q in queries], dtype=np.float32)
