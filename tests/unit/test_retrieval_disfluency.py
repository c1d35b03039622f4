"""Self-correction cleanup only where there is a self-correction: ordinary questions stay as typed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from agents.providers.local.excerpt import query_weights
from retrieval.config import DEFAULT_CONFIG
from retrieval.embedder import HashingEmbedder
from retrieval.hybrid import Mode
from retrieval.query import parse_query, verbatim_query
from retrieval.service import RetrievalService
from retrieval.types import Chunk

TYPED_SET = Path(__file__).resolve().parents[2] / "bench" / "data" / "retrieval_typed.jsonl"

ORDINARY = [
    "asyncio wait",
    "what does wait() do",
    "how do I wait for a thread to finish",
    "is there a way to wait a few seconds",
    "how long does asyncio wait when the timeout is None",
    "how does asyncio wait which task finishes first",
    "does asyncio.wait actually block",
    "should I sleep or wait for the thread",
    "there is no wait in my loop",
    "make that function return a list",
    "how do I make that work in a loop",
    "why is no output printed",
    "list has no attribute append?",
    "ModuleNotFoundError: No module named pandas",
    "why is the mean no longer correct after dropna",
    "what happens if the user types no",
    "yes or no question with input()",
    "should I use a list instead of a tuple",
    "how do I return a list instead",
    "what does 'rather' mean",
    "I'd rather use a dict, is that ok?",
    "actually, how do loops work",
    "sorry if this is basic, how do loops work",
    "b = a then b.append(4) changed a too, sorry but why?",
    "can you tell me what is a tuple",
    "let's say I have a list of scores, how do I get the highest",
    "what does the i mean in for i in range(5)",
    "what is an ER diagram",
    "big oh notation of sorting",
]


@pytest.mark.parametrize("question", ORDINARY)
def test_ordinary_questions_with_correction_words_are_left_as_typed(question: str) -> None:
    parsed = parse_query(question)
    assert not parsed.corrected
    assert parsed == verbatim_query(question)


@pytest.mark.parametrize(
    ("question", "before", "after"),
    [
        ("how do lists no I mean tuples work", ("how", "do", "lists"), ("tuples", "work")),
        ("which is faster, lists or rather tuples", ("which", "is", "faster", "lists"), ("tuples",)),
        ("what does append um insert do", ("what", "does", "append"), ("insert", "do")),
        ("when does a for loop no wait a while loop stop", ("when", "does", "a", "for", "loop"),
         ("a", "while", "loop", "stop")),
        ("how is no why is a tuple immutable", ("how", "is"), ("why", "is", "a", "tuple", "immutable")),
        ("who or wait what wrote the json module", ("who",), ("what", "wrote", "the", "json", "module")),
        ("how do I sort the list no the dict", ("how", "do", "i", "sort", "the", "list"), ("the", "dict")),
        ("what did Guido no Tim write about style", ("what", "did", "guido"), ("tim", "write", "about", "style")),
        ("what changed in 2008 no 2010", ("what", "changed", "in", "2008"), ("2010",)),
        ("what is a list, rather a tuple", ("what", "is", "a", "list"), ("a", "tuple")),
        ("no, I mean sets", (), ("sets",)),
    ],
)  # fmt: skip
def test_real_self_corrections_are_cleaned(question: str, before: tuple[str, ...], after: tuple[str, ...]) -> None:
    parsed = parse_query(question)
    assert parsed.corrected
    assert (parsed.before, parsed.after) == (before, after)


def test_chat_composer_keeps_full_weight_on_ordinary_questions() -> None:
    for question in [
        "does input() wait for the user to press enter",
        "why is no output printed by my loop",
        "make that function return a list instead of printing it",
        "should I use a tuple rather than a list, actually",
        *ORDINARY,
    ]:
        weights = query_weights(question)
        assert set(weights.values()) <= {1.0}, question
    assert query_weights("does input() wait for the user to press enter")["input"] == 1.0


def test_chat_composer_still_halves_the_words_a_student_corrected_away() -> None:
    weights = query_weights("how do lists no I mean tuples work")
    assert weights["tuple"] == 1.0 and weights["list"] == 0.5


def test_searching_a_correction_word_finds_the_passage_about_it(tmp_path: Path) -> None:
    service = RetrievalService.create(persist_dir=tmp_path / "chroma", embedder=HashingEmbedder())
    texts = {
        "gather": "asyncio.gather runs several tasks together and collects their results in order.",
        "wait": "asyncio.wait blocks until the given tasks finish or the timeout passes.",
        "sleep": "asyncio.sleep pauses the current task for a number of seconds.",
    }
    service.add_chunks([
        Chunk(id=f"{doc}#0", course_id="py", document_id=doc, text=text, source_name=f"{doc}.md", char_end=len(text))
        for doc, text in texts.items()
    ])  # fmt: skip
    modes: tuple[Mode, ...] = ("lexical", "hybrid")
    for mode in modes:
        assert service.search("py", "asyncio wait", k=1, mode=mode)[0].chunk.document_id == "wait"
    uncleaned = RetrievalService(service.store, service.embedder, replace(DEFAULT_CONFIG, clean_disfluencies=False))
    assert uncleaned.search("py", "asyncio wait", k=1)[0].chunk.document_id == "wait"


def test_typed_bench_questions_are_ordinary_and_split() -> None:
    rows = [json.loads(line) for line in TYPED_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {row["split"] for row in rows} == {"dev", "test"}
    assert all(row["gold_ids"] and row["question"].strip() for row in rows)
    changed = [row["question"] for row in rows if parse_query(row["question"]) != verbatim_query(row["question"])]
    assert changed == []
