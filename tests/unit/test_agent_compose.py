"""Extractive answering: complete sentences only, cited by source, declined when evidence is weak."""

from __future__ import annotations

from agents.providers.local.compose import ComposerConfig, compose, lexical_overlap, query_weights, split_sentences
from agents.providers.local.embedding import CachedQueryEmbedder
from retrieval.types import Chunk, SearchHit
from tests.fakes.agent_ports import HashEmbedder

CFG = ComposerConfig(min_strength=0.35)


def hit(text: str, rank: int) -> SearchHit:
    return SearchHit(Chunk(id=f"c{rank}", course_id="c", document_id=f"d{rank}", text=text), 1.0 - rank, rank)


def test_headings_and_code_lines_are_not_quoted_as_sentences() -> None:
    text = "Creating a list\n\nWrite items between brackets:\n\nfruits = [1, 2]\n\nA list keeps its items in order."
    assert split_sentences(text) == ["A list keeps its items in order."]


def test_answer_quotes_the_best_sentences_and_cites_their_sources() -> None:
    hits = [hit("Tuples cannot be changed after creation. Lists can grow with append.", 0),
            hit("The append method adds one item to the end of a list.", 1)]
    answer = compose("How do I add an item to a list with append?", hits, [1, 2], HashEmbedder(), CFG)
    assert answer.covered and set(answer.cited) <= {1, 2} and 2 in answer.cited
    assert "The append method adds one item to the end of a list. [2]" in answer.text
    assert "Tuples cannot be changed" not in answer.text


def test_weak_evidence_is_declined() -> None:
    hits = [hit("The append method adds one item to the end of a list.", 0)]
    answer = compose("Who painted the ceiling of the Sistine Chapel?", hits, [1], HashEmbedder(), CFG)
    assert not answer.covered and answer.text.startswith("This isn't covered by this course's material.")


def test_corrected_words_count_less_than_the_repair() -> None:
    weights = query_weights("When did the empire um no the republic fall?")
    assert weights["republic"] == 1.0 and weights["empire"] == 0.5
    assert lexical_overlap(weights, "The republic fell.") > lexical_overlap(weights, "The empire fell.")


def test_query_cache_embeds_each_text_once() -> None:
    inner = HashEmbedder()
    cached = CachedQueryEmbedder(inner, capacity=2)
    first = cached.embed_queries(["a loop", "a list"])
    again = cached.embed_queries(["a list", "a loop"])
    assert inner.calls == 1 and (first[::-1] == again).all()
    cached.embed_queries(["a dict"])
    assert inner.calls == 2 and len(cached._cache) == 2
