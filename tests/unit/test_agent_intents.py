"""Intent routing rules that hold whatever the embedder's similarities say."""

from __future__ import annotations

import pytest

from agents.providers.local.intent_examples import INTENT_EXAMPLES
from agents.providers.local.intents import QUESTION, IntentRouter
from tests.fakes.agent_ports import HashEmbedder


def practice_leaning_router() -> IntentRouter:
    """A router whose similarities put every message closest to the practice examples."""
    router = IntentRouter(HashEmbedder())
    favours = dict.fromkeys(INTENT_EXAMPLES, 0.1) | {"practice": 0.9}
    router.scores = lambda message: dict(favours)  # type: ignore[method-assign]
    return router


@pytest.mark.parametrize("message", [
    "how do i find out how many characters my string has",
    "loops look scary, is there something i should review before that lesson?",
    "more",
    "which is faster for membership tests, list or set",
])
def test_practice_is_never_started_by_similarity_alone(message: str) -> None:
    """A practice question records graded attempts: a content question close to the examples is a question."""
    assert practice_leaning_router().route(message).intent == QUESTION


@pytest.mark.parametrize("message", [
    "can you test my knowledge of loops",
    "one more question please",
    "exercise on f-strings",
    "i wanna be tested on modules",
])
def test_a_message_that_names_practice_can_start_it(message: str) -> None:
    assert practice_leaning_router().route(message).intent == "practice"
