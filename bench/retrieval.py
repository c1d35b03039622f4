"""Retrieval benchmark on Disfl-QA: ingest the corpus as one course, score ours vs BM25 vs dense.

    python -m bench.retrieval --corpus ../shared/data/disfl_qa/corpus.jsonl \
        --questions ../shared/data/disfl_qa/dev.jsonl --json

Each corpus passage becomes a ``.txt`` material (its title, if any, as the first line) and goes
through the real ingestion pipeline into a temporary chroma store. Then, per question, the
systems are queried back to back (so machine noise hits them alike) with k=10; hits are mapped to
documents (first occurrence kept) and scored against ``gold_ids``. Besides BM25 and dense alone,
``ours_without_cleanup`` is ours with every word of the question kept: what the self-correction
cleanup (retrieval/query.py) buys on Disfl-QA's spoken-style questions. Ingestion throughput is
compared with bare ``SentenceTransformer.encode`` on a random sample of the same passages, measured
before and after ingestion in the same run (the machine is shared, so the ratio is what matters).

The cleanup must cost typed questions nothing: ``--typed`` (default ``bench/data/retrieval_typed.jsonl``,
our own students' questions, many using "no", "wait", "instead", "rather", "actually" or "make
that" in their ordinary sense) is asked of the sample catalogue's lessons, ingested as one course
(every lesson competing), with lessons as the documents; ``typed`` in the result is nDCG@10 of ours
with and without the cleanup on its held-out split, ``typed_dev`` on the split the rule was
developed on. Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.common import latency_summary, log, mean_metrics, rank_metrics, read_jsonl, unique
from retrieval.hybrid import Mode
from retrieval.service import RetrievalService
from retrieval.types import Chunk

COURSE = "disfl-qa-bench"
TYPED_COURSE = "typed-bench"
TYPED = Path(__file__).parent / "data" / "retrieval_typed.jsonl"
UNCLEANED = "ours_without_cleanup"
SYSTEMS: dict[str, Mode] = {"ours": "hybrid", "bm25": "lexical", "dense": "dense", UNCLEANED: "hybrid"}
Systems = dict[str, tuple[RetrievalService, Mode]]


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


def systems_of(service: RetrievalService) -> Systems:
    """Each system of :data:`SYSTEMS` as a service and mode (without cleanup: a second service, same store)."""
    uncleaned = RetrievalService(service.store, service.embedder, replace(service.config, clean_disfluencies=False))
    return {name: (uncleaned if name == UNCLEANED else service, mode) for name, mode in SYSTEMS.items()}


def evaluate(
    systems: Systems, questions: list[dict[str, Any]], doc_to_corpus: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Metrics and latency of each system, queried back to back per question."""
    per_system: dict[str, list[dict[str, float]]] = {name: [] for name in systems}
    timings: dict[str, list[float]] = {name: [] for name in systems}
    for service, mode in systems.values():  # warm-up: builds the course index once, loads the model
        service.search(COURSE, "warm up", k=10, mode=mode)
    for n, q in enumerate(questions):
        gold = set(q["gold_ids"])
        for name, (service, mode) in systems.items():
            start = time.perf_counter()
            hits = service.search(COURSE, q["question"], k=10, mode=mode)
            timings[name].append(time.perf_counter() - start)
            ranked = unique(doc_to_corpus[h.chunk.document_id] for h in hits)
            per_system[name].append(rank_metrics(ranked, gold))
        if (n + 1) % 250 == 0:
            ours = mean_metrics(per_system["ours"])
            log(f"queries: {n + 1}/{len(questions)}  ours ndcg@10={ours['ndcg@10']:.4f}")
    return {name: {**mean_metrics(per_system[name]), **latency_summary(timings[name])} for name in systems}


def ingest_lessons(service: RetrievalService) -> None:
    """The sample catalogue's lesson files as one course, each chunk tagged with its lesson, as the worker does."""
    from ingest.pipeline import IngestPipeline, SourceFile
    from ingest.worker import heading_prefix
    from tutor.seed import load_catalog, material_files

    courses = {c["id"]: c for c in load_catalog()}
    files = [
        SourceFile(TYPED_COURSE, f"{course_id}-{path.name}", path.name, path.read_bytes(), lesson_id,
                   heading_prefix(courses[course_id], lesson_id))
        for course_id, lesson_id, _, path in material_files()
    ]  # fmt: skip
    failed = [r for r in IngestPipeline(service).ingest(files) if r.status == "failed"]
    if failed:
        raise RuntimeError(f"sample lesson failed to ingest: {failed[0].error}")


def evaluate_typed(systems: Systems, questions: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """nDCG@10 (lessons as documents) of ours with and without the cleanup, per split of the typed questions."""
    names = ["ours", UNCLEANED]
    scores: dict[tuple[str, str], list[float]] = {}
    for q in questions:
        for name in names:
            service, mode = systems[name]
            hits = service.search(TYPED_COURSE, q["question"], k=10, mode=mode)
            ranked = unique(str(h.chunk.lesson_id) for h in hits)
            ndcg = rank_metrics(ranked, set(q["gold_ids"]))["ndcg@10"]
            for group in (q["split"], f"{q['split']}/{q['kind']}"):
                scores.setdefault((group, name), []).append(ndcg)
    groups = sorted({group for group, _ in scores})
    for group in groups:
        n = len(scores[group, "ours"])
        log(f"typed {group:12s} n={n:3d} " + " ".join(f"{m}={float(np.mean(scores[group, m])):.4f}" for m in names))
    return {split: {m: float(np.mean(scores[split, m])) for m in names} for split in ("test", "dev")}


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the JSON result last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N questions")
    parser.add_argument("--raw-sample", type=int, default=500, help="passages per raw-encoding probe")
    parser.add_argument("--typed", type=Path, default=TYPED, help="typed questions over the sample lessons")
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
        compared = systems_of(service)
        systems = evaluate(compared, questions, doc_to_corpus)
        log("ingesting the sample lessons for the typed questions")
        ingest_lessons(service)
        typed = evaluate_typed(compared, read_jsonl(args.typed))
    result = {
        "systems": systems,
        "ingest": {"passages_per_s": rate, "raw_encode_passages_per_s": raw},
        "typed": typed["test"],
        "typed_dev": typed["dev"],
    }
    for name, metrics in systems.items():
        log(f"{name:20s} " + " ".join(f"{k}={v:.4f}" for k, v in metrics.items()))
    log(f"ingest/raw ratio {rate / raw:.3f}")
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
