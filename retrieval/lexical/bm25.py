"""A BM25+ index over a sparse term matrix.

Term weights are computed once at build time, so a query is a sum of a few sparse columns:
``score(d) = sum_t qw(t) * idf(t) * (tf(t,d)*(k1+1) / (tf(t,d) + k1*(1-b+b*len(d)/avglen)) + delta)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from tutor.text import analyze


@dataclass(frozen=True, slots=True)
class BM25Params:
    """BM25+ parameters (defaults tuned once; see retrieval/config.py)."""

    k1: float = 1.2
    b: float = 0.75
    delta: float = 0.0


class BM25Index:
    """Immutable BM25 index over a list of documents, rows aligned with the input order."""

    def __init__(self, docs: Sequence[Iterable[str]], params: BM25Params | None = None) -> None:
        """Build the index.

        Args:
            docs: Analysed documents (lists of terms, see :func:`analyze`).
            params: Scoring parameters.
        """
        self.params = params or BM25Params()
        self.vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for row, terms in enumerate(docs):
            for term in terms:
                rows.append(row)
                cols.append(self.vocab.setdefault(term, len(self.vocab)))
        n_docs = len(docs)
        tf = sp.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)), shape=(n_docs, max(len(self.vocab), 1))
        )
        tf.sum_duplicates()
        self.n_docs = n_docs
        self._matrix = self._weigh(tf).tocsc()

    def _weigh(self, tf: sp.csr_matrix) -> sp.csr_matrix:
        p = self.params
        # a passage's length counts its words: the operators of its code ("=", "==") are markers, not text
        words = np.zeros(tf.shape[1], np.float32)
        words[[col for term, col in self.vocab.items() if term[:1].isalnum()]] = 1.0
        lengths = np.asarray(tf @ words).ravel()
        avg = float(lengths.mean()) if len(lengths) else 1.0
        df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float32)
        self.df = df.astype(np.int64)
        self.idf = idf(self.n_docs, df).astype(np.float32)
        norm = np.repeat(p.k1 * (1 - p.b + p.b * lengths / max(avg, 1e-9)), np.diff(tf.indptr))
        data = tf.data * (p.k1 + 1) / (tf.data + norm) + p.delta
        weighted = sp.csr_matrix((data.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape)
        return weighted @ sp.diags(self.idf)

    def score_terms(self, weights: dict[str, float], idfs: dict[str, float] | None = None) -> np.ndarray:
        """Scores of every document for weighted query terms (unknown terms ignored).

        Args:
            weights: Query term weights.
            idfs: Term idfs to score with instead of this index's own (e.g. over several indexes).
        """
        known = [t for t in weights if t in self.vocab]
        if not known or self.n_docs == 0:
            return np.zeros(self.n_docs, np.float32)
        ids = [self.vocab[t] for t in known]
        qw = np.array([weights[t] for t in known], np.float32)
        if idfs is not None:
            own = self.idf[ids]
            qw *= np.array([idfs.get(t, 0.0) for t in known], np.float32) / np.maximum(own, 1e-9)
        return np.asarray(self._matrix[:, ids] @ qw, dtype=np.float32).ravel()

    def document_frequency(self, term: str) -> int:
        """How many documents contain ``term`` (an analysed term), 0 when it occurs nowhere."""
        col = self.vocab.get(term)
        return int(self.df[col]) if col is not None and col < len(self.df) else 0

    def score(self, query: str) -> np.ndarray:
        """Scores of every document for a plain query (each term once, weight 1)."""
        return self.score_terms(dict.fromkeys(analyze(query), 1.0))


def idf(n_docs: int, df: np.ndarray) -> np.ndarray:
    """BM25's inverse document frequency of terms found in ``df`` of ``n_docs`` documents.

    The "+1" form keeps it positive for terms present in over half the documents.
    """
    return np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def pooled_idf(indexes: Sequence[BM25Index], terms: Iterable[str]) -> dict[str, float]:
    """The idf of each term over the documents of every index together (as if they were one index)."""
    terms = list(terms)
    n_docs = sum(index.n_docs for index in indexes)
    df = np.array([sum(index.document_frequency(t) for index in indexes) for t in terms], np.float64)
    return dict(zip(terms, idf(n_docs, df).tolist(), strict=True)) if terms else {}
