"""The interface every knowledge-tracing model implements for evaluation and serving."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from recommender.kt.data import FloatArray, KTSequence


@runtime_checkable
class KTModel(Protocol):
    """A fitted model that predicts each response of a window from the earlier ones in it."""

    name: str

    def predict(self, windows: Sequence[KTSequence]) -> list[FloatArray]:
        """Return, per window, P(correct) at every position given only earlier positions.

        Position 0 is predicted from no history (its value is not scored by the protocol).
        """
        ...
