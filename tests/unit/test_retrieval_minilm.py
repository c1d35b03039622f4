"""The real MiniLM embedder (small enough to load in a unit test)."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.embedder.minilm import MiniLMEmbedder


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def test_documents_match_sentence_transformers_and_carry_sentence_parts(embedder: MiniLMEmbedder) -> None:
    texts = ["Lists are mutable. Tuples are not. Use a tuple as a dictionary key.", "A set has no duplicates"]
    vectors = embedder.embed_documents(texts)
    reference = embedder.model.encode(texts, normalize_embeddings=True)
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, reference, atol=1e-4)
    parts = embedder.take_parts(texts)
    assert parts[0] is not None and parts[0].shape == (3, 384)
    assert parts[1] is None  # one sentence: nothing finer than the whole
    np.testing.assert_allclose(np.linalg.norm(parts[0], axis=1), 1.0, atol=1e-2)


def test_queries_rank_the_matching_passage_first(embedder: MiniLMEmbedder) -> None:
    docs = embedder.embed_documents(["How to open and read a text file.", "The history of the Roman empire."])
    query = embedder.embed_query("reading files in python")
    assert query.shape == (384,)
    assert float(docs[0] @ query) > float(docs[1] @ query)


def test_the_vocabulary_holds_everyday_words_whole_and_not_python_jargon(embedder: MiniLMEmbedder) -> None:
    words = embedder.vocabulary()
    assert {"snake", "wipe", "teammate", "list"} <= words
    assert not {"asyncio", "decorator", "namedtuple", "metaclass"} & words
    assert all(w.isalpha() and w == w.lower() for w in words)


@pytest.mark.parametrize(("message", "intent"), [
    ("what are classes", "question"),  # "class" is also a word for a course
    ("what is a class", "question"),
    ("what classes do you have", "list_courses"),
    ("which classes can i take", "list_courses"),
])
def test_a_question_about_classes_in_code_is_no_catalogue_request(embedder: MiniLMEmbedder, message: str,
                                                                   intent: str) -> None:
    from agents.providers.local.embedding import CachedQueryEmbedder
    from agents.providers.local.intents import IntentRouter

    assert IntentRouter(CachedQueryEmbedder(embedder)).route(message).intent == intent
