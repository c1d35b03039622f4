"""Lexical (BM25-family) scoring: tokenisation, a light stemmer and a sparse inverted index."""

from retrieval.lexical.bm25 import BM25Index, BM25Params
from tutor.text import analyze

__all__ = ["BM25Index", "BM25Params", "analyze"]
