"""Sub-passage ("part") vectors from one transformer pass: late pooling over sentence spans.

Mean-pooling the token vectors of each sentence of a passage, inside the same forward pass
that embeds the whole passage, yields sentence vectors that know their context at no extra model
cost. Search scores a passage by its whole vector mixed with its best sentence.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")


@runtime_checkable
class PartsSource(Protocol):
    """An embedder that can hand over the part vectors of documents it embedded recently."""

    def take_parts(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        """Part vectors for each text (None when unknown)."""
        ...


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text (one span when it has a single sentence)."""
    spans = []
    start = 0
    for match in _SENTENCE.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def pool_parts(hidden: np.ndarray, offsets: np.ndarray, mask: np.ndarray, text: str) -> np.ndarray | None:
    """Unit vectors of each sentence of ``text`` from its token vectors.

    Args:
        hidden: ``(tokens, dim)`` last hidden states of one text.
        offsets: ``(tokens, 2)`` character offsets of the tokens (special tokens are (0, 0)).
        mask: ``(tokens,)`` attention mask.
        text: The text.

    Returns:
        ``(sentences, dim)`` float32, or None for a single-sentence text (no finer grain).
    """
    spans = sentence_spans(text)
    if len(spans) < 2:
        return None
    valid = (mask > 0) & (offsets[:, 1] > offsets[:, 0])
    vectors = []
    for start, end in spans:
        sel = valid & (offsets[:, 0] >= start) & (offsets[:, 1] <= end)
        if sel.any():  # sentences past the truncation point have no tokens
            vectors.append(hidden[sel].mean(axis=0))
    if len(vectors) < 2:
        return None
    out = np.stack(vectors).astype(np.float32)
    normed: np.ndarray = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return normed


class PartsCache:
    """Bounded, thread-safe map from document text to its part vectors.

    Ingestion embeds a batch, then hands the vectors to the index; the parts wait here in
    between, so the embedder interface stays one array per call.
    """

    def __init__(self, capacity: int = 8192) -> None:
        """Keep the parts of at most ``capacity`` texts (oldest evicted first)."""
        self._items: OrderedDict[bytes, np.ndarray | None] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.blake2b(text.encode(), digest_size=16).digest()

    def put(self, text: str, parts: np.ndarray | None) -> None:
        """Remember the parts of one text."""
        with self._lock:
            key = self._key(text)
            self._items[key] = None if parts is None else parts.astype(np.float16)
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def get(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        """Parts of each text, None when not cached."""
        with self._lock:
            found = [self._items.get(self._key(t)) for t in texts]
        return [None if p is None else p.astype(np.float32) for p in found]
