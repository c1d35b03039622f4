"""Text embedders: the :class:`Embedder` protocol and its implementations."""

from retrieval.embedder.base import Embedder
from retrieval.embedder.hashing import HashingEmbedder

__all__ = ["Embedder", "HashingEmbedder"]
