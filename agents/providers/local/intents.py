"""Intent routing of a student message by embedding similarity to example phrasings."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from agents.guardrails import has_enroll_intent
from agents.providers.local.embedding import QueryEmbedder, unit_vectors

QUESTION = "question"
# Examples are our own phrasings of each request. "question" examples anchor generic content
# questions so that a content question about, say, "progress bars" is not routed to get_progress.
INTENT_EXAMPLES: dict[str, tuple[str, ...]] = {
    "list_courses": (
        "what courses are available",
        "show me the course catalogue",
        "which courses can I take",
        "list all courses",
        "do you have any beginner courses",
        "what classes do you offer",
        "are there courses about data science",
        "show me the catalog",
    ),
    "progress": (
        "how am I doing",
        "show my progress",
        "how far am I in my courses",
        "what is my progress",
        "which lessons have I completed",
        "what are my quiz scores",
        "how much of the course have I finished",
    ),
    "recommendations": (
        "what should I study next",
        "recommend something for me",
        "what do you suggest I learn next",
        "give me recommendations",
        "what is the next lesson I should take",
    ),
    "weak_areas": (
        "what are my weak areas",
        "where am I struggling",
        "which topics do I need to practice",
        "what am I bad at",
        "which skills should I improve",
    ),
    "smalltalk": (
        "hello",
        "hi there",
        "thanks",
        "thank you very much",
        "good morning",
        "what can you do",
        "who are you",
        "bye",
    ),
    QUESTION: (
        "what is a variable",
        "how does a for loop work",
        "explain recursion",
        "who invented the telephone",
        "when did the war end",
        "why does this code raise an error",
        "what is the difference between a list and a tuple",
        "where was the treaty signed",
        "how do I define a function",
        "what does the term mean",
    ),
}
MIN_ROUTE_SCORE = 0.62  # below this, a non-question intent is not trusted; the message is searched
_GREETING = re.compile(
    r"^\s*(hi|hello|hey|thanks|thank you|bye|good (morning|evening|afternoon))\b[\s!.]*$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Route:
    """Routing decision for a message."""

    intent: str
    score: float


class IntentRouter:
    """Nearest-example intent classifier; deterministic for a deterministic embedder."""

    def __init__(self, embedder: QueryEmbedder) -> None:
        """Create the router (example embeddings are computed on first use).

        Args:
            embedder: Query embedder (the retrieval embedder, or a fake in tests).
        """
        self._embedder = embedder
        self._labels: list[str] = []
        self._matrix: NDArray[np.float32] | None = None

    def _examples(self) -> NDArray[np.float32]:
        if self._matrix is None:
            texts = [t for intent, examples in INTENT_EXAMPLES.items() for t in examples]
            self._labels = [intent for intent, examples in INTENT_EXAMPLES.items() for _ in examples]
            self._matrix = unit_vectors(self._embedder, texts)
        return self._matrix

    def route(self, message: str) -> Route:
        """Pick the intent of ``message``.

        Enrollment is decided by the explicit-intent pattern the server-side guard also uses (a
        precise rule beats a similarity for an action with side effects); everything else by the
        nearest example, with content questions as the default.
        """
        if has_enroll_intent(message):
            return Route("enroll", 1.0)
        if _GREETING.match(message):
            return Route("smalltalk", 1.0)
        matrix = self._examples()
        sims = matrix @ unit_vectors(self._embedder, [message])[0]
        best = int(np.argmax(sims))
        intent, score = self._labels[best], float(sims[best])
        if intent != QUESTION and score < MIN_ROUTE_SCORE:
            return Route(QUESTION, score)
        return Route(intent, score)
