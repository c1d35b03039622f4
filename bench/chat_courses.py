"""The two bench courses of ``bench.chat``: Disfl-QA passages and the CPython 3.11 reST docs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.chat_index import HybridIndex, cached_embeddings
from retrieval.types import Chunk


def disfl_course(corpus: Path, embedder: Any, cache: Path, query_embedder: Any = None) -> HybridIndex:
    """Every corpus passage as one chunk of course ``disfl`` (document id = passage id)."""
    chunks = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            chunks.append(Chunk(id=f"{row['id']}:0", course_id="disfl", document_id=row["id"], text=row["text"],
                                heading_path=(row["title"],) if row.get("title") else (),
                                source_name=row.get("source") or ""))
    vectors = cached_embeddings(embedder, [c.text for c in chunks], cache, "disfl")
    return HybridIndex(chunks, vectors, query_embedder or embedder)


def python_docs_course(rst_dir: Path, embedder: Any, cache: Path, query_embedder: Any = None) -> HybridIndex:
    """The reST tutorial, HOWTOs and FAQ, parsed and chunked by the ingestion package."""
    from ingest.chunking import Chunker
    from ingest.loaders import load_document

    chunker = Chunker()
    chunks: list[Chunk] = []
    for path in sorted(rst_dir.rglob("*.rst.txt")):
        name = path.name.removesuffix(".txt")
        doc_id = f"{path.parent.name}-{name.removesuffix('.rst')}"
        document = load_document(name, path.read_bytes())
        chunks += chunker.chunk(document, course_id="pydocs", document_id=doc_id, source_name=name,
                                heading_prefix=(path.parent.name,))
    vectors = cached_embeddings(embedder, [c.text for c in chunks], cache, "pydocs")
    return HybridIndex(chunks, vectors, query_embedder or embedder)
