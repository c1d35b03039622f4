"""Retrieval benchmark on Disfl-QA: ingest the corpus as one course, score ours vs BM25 vs dense.

    python -m bench.retrieval --corpus ../shared/data/disfl_qa/corpus.jsonl \
        --questions ../shared/data/disfl_qa/dev.jsonl --json

Each corpus passage becomes a ``.txt`` material (its title, if any, as the first line) and goes
through the real ingestion pipeline into a temporary chroma store. Then, per question, the three
systems are queried back to back (so machine noise hits them alike) with k=10; hits are mapped to
documents (first occurrence kept) and scored against ``gold_ids``. Ingestion throughput is compared
with bare ``SentenceTransformer.encode`` on a random sample of the same passages, measured before
and after ingestion in the same run (the machine is shared, so the ratio is what matters).
Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.common import latency_summary, log, mean_metrics, rank_metrics, read_jsonl, unique
from retrieval.service import RetrievalService
from retrieval.types import Chunk

COURSE = "disfl-qa-bench"
SYSTEMS = {"ours": "hybrid", "bm25": "lexical", "dense": "dense"}


def passage_text(row: dict[str, Any]) -> str:
    """The material text of a corpus passage: title line (if any), blank line, text."""
    title = row.get("title")
    return f"{title}\n\n{row['text']}" if title else str(row["text"])


def raw_encode_rate(service: RetrievalService, texts: list[str]) -> float:
    """Passages per second of bare ``model.encode`` (the reference for ingestion throughput)."""
    model = service.embedder.model  # type: ignore[attr-defined]
    start = time.perf_counter()
    model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True)
    return len(texts) / (time.perf_counter() - start)


def ingest(service: RetrievalService, corpus: list[dict[str, Any]]) -> tuple[dict[str, str], float]:
    """Ingest every passage; returns document id -> corpus id and passages per second."""
    doc_to_corpus = {f"p{n:06d}": str(row["id"]) for n, row in enumerate(corpus)}
    start = time.perf_counter()
    try:
        from ingest.pipeline import IngestPipeline, SourceFile
    except ImportError:  # the pipeline is developed in parallel; keep the bench usable without it
        log("ingest.pipeline not available: indexing passages directly")
        chunks = [
            Chunk(id=f"{doc}#0", course_id=COURSE, document_id=doc, text=passage_text(row),
                  source_name=f"{doc}.txt", char_end=len(passage_text(row)))
            for doc, row in zip(doc_to_corpus, corpus, strict=True)
        ]  # fmt: skip
        service.add_chunks(chunks)
    else:
        files = [
            SourceFile(course_id=COURSE, document_id=doc, filename=f"{doc}.txt",
                       data=passage_text(row).encode("utf-8"))
            for doc, row in zip(doc_to_corpus, corpus, strict=True)
        ]  # fmt: skip
        results = IngestPipeline(service).ingest(files, on_progress=_progress(len(files)))
        failed = [r for r in results if r.status == "failed"]
        if failed:
            log(f"{len(failed)} passages failed to ingest, e.g. {failed[0].error}")
    return doc_to_corpus, len(corpus) / (time.perf_counter() - start)


def _progress(total: int) -> Any:
    done: set[str] = set()
    last = [time.perf_counter()]

    def report(event: Any) -> None:
        if event.stage == "indexed":
            done.add(event.document_id)
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            log(f"ingest: {len(done)}/{total} passages indexed")

    return report


def evaluate(
    service: RetrievalService, questions: list[dict[str, Any]], doc_to_corpus: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Metrics and latency of each system, queried back to back per question."""
    per_system: dict[str, list[dict[str, float]]] = {name: [] for name in SYSTEMS}
    timings: dict[str, list[float]] = {name: [] for name in SYSTEMS}
    for mode in SYSTEMS.values():  # warm-up: builds the course index once, loads the model
        service.search(COURSE, "warm up", k=10, mode=mode)  # type: ignore[arg-type]
    for n, q in enumerate(questions):
        gold = set(q["gold_ids"])
        for name, mode in SYSTEMS.items():
            start = time.perf_counter()
            hits = service.search(COURSE, q["question"], k=10, mode=mode)  # type: ignore[arg-type]
            timings[name].append(time.perf_counter() - start)
            ranked = unique(doc_to_corpus[h.chunk.document_id] for h in hits)
            per_system[name].append(rank_metrics(ranked, gold))
        if (n + 1) % 250 == 0:
            ours = mean_metrics(per_system["ours"])
            log(f"queries: {n + 1}/{len(questions)}  ours ndcg@10={ours['ndcg@10']:.4f}")
    return {name: {**mean_metrics(per_system[name]), **latency_summary(timings[name])} for name in SYSTEMS}


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the JSON result last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N questions")
    parser.add_argument("--raw-sample", type=int, default=500, help="passages per raw-encoding probe")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    args = parser.parse_args(argv)

    corpus = read_jsonl(args.corpus)
    questions = read_jsonl(args.questions)[: args.limit or None]
    sample = random.Random(0).sample([passage_text(r) for r in corpus], min(args.raw_sample, len(corpus)))
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        service = RetrievalService.create(persist_dir=Path(tmp) / "chroma")
        service.embedder.embed_documents(["warm up"])  # load the model outside the timings
        log(f"raw encode probe on {len(sample)} passages")
        raw_before = raw_encode_rate(service, sample)
        log(f"ingesting {len(corpus)} passages")
        doc_to_corpus, rate = ingest(service, corpus)
        raw_after = raw_encode_rate(service, sample)
        raw = (raw_before + raw_after) / 2
        log(f"ingest {rate:.1f} passages/s; raw encode {raw_before:.1f} / {raw_after:.1f} passages/s")
        log(f"scoring {len(questions)} questions")
        systems = evaluate(service, questions, doc_to_corpus)
    result = {
        "systems": systems,
        "ingest": {"passages_per_s": rate, "raw_encode_passages_per_s": raw},
    }
    for name, metrics in systems.items():
        log(f"{name:6s} " + " ".join(f"{k}={v:.4f}" for k, v in metrics.items()))
    log(f"ingest/raw ratio {rate / raw:.3f}")
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
