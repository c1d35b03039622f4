"""Intent routing of a student message: explicit rules for actions, embedding similarity for the rest.

Enrollment has side effects, so it is recognised only by the explicit-request rule the server-side
guard also applies. Every other tool is recognised in paraphrase: the message is compared with our
own example phrasings of each request and of content questions that share their words ("How do I
join two tables?", "what is a progress bar"), and an intent wins only when its closest examples are
clearly closer than the closest content questions. The thresholds were chosen on the dev split of
bench/data/intent_paraphrases.jsonl; bench.chat reports routing on its test split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from agents.guardrails import has_enroll_intent
from agents.providers.local.embedding import QueryEmbedder, unit_vectors
from agents.providers.local.intent_examples import INTENT_EXAMPLES, QUESTION

__all__ = ["QUESTION", "IntentRouter", "Route"]

MIN_ROUTE_SCORE = 0.5  # a tool intent needs its closest examples at least this similar
MIN_MARGIN = 0.05  # ... and this much closer than the closest content questions
SECOND_CHANCE = 0.45  # a declined question whose closest request scores this (and beats it) is that request
PERSONAL_BONUS = 0.1  # a request about the student's own data without "I/my/me" must be this much surer
TOP_K = 2  # an intent's score is the mean of its TOP_K closest examples
_GREETING = re.compile(
    r"^\W*((hi|hello|hey|hiya|yo|thanks|thank you|thx|ty|cheers|bye|goodbye|good (morning|evening|afternoon)|"
    r"ok|okay|cool|nice|great|awesome|got it|i see|alright|perfect|makes sense)\b[\s!.,]*)+"
    r"(there|tutor|so much|a lot)?[\s!.]*$",
    re.IGNORECASE,
)
# Explicit practice requests ("quiz me on loops", "give me a practice question") need no similarity.
_PRACTICE = re.compile(
    r"\b(quiz|test|drill|examine|challenge)\s+me\b|\bpractice\s+(question|quiz|exercise|problem)s?\b"
    r"|\b(give|ask|send|get)\s+(me\s+)?(a|an|another|one\s+more|some)\s+(\w+\s+){0,2}"
    r"(quiz|exercise|problem|practice|question\s+to\s+practi[cs]e)\b|^\W*(quiz|practi[cs]e)\b",
    re.IGNORECASE,
)
# Practice records graded attempts, so similarity alone never starts it: the message must also name
# practice in some way ("how many characters does my string have" is close to "check if I understood
# strings", but asks nothing of the sort).
_PRACTICE_CUE = re.compile(
    r"\b(quiz\w*|test(ed)?\s+(me|my|on)|tested|exercise\w*|practi[cs]\w*|drill\w*|challenge\w*|problems?|questions?|"
    r"understand\w*|knowledge|another|one\s+more)\b",
    re.IGNORECASE,
)
_SELF = re.compile(r"\b(i|i'm|im|i've|me|my|mine|myself)\b", re.IGNORECASE)
_PERSONAL = frozenset({"progress", "recommendations", "weak_areas", "practice"})


@dataclass(frozen=True, slots=True)
class Route:
    """Routing decision for a message."""

    intent: str
    score: float
    runner_up: str | None = None
    runner_score: float = 0.0

    def second_choice(self) -> str | None:
        """The request a content question might have been after all, if the material cannot answer it.

        Used when the search declined: a message close enough to a request ("progress report pls")
        is then treated as that request rather than answered with "not covered".
        """
        if self.intent == QUESTION and self.runner_up and self.runner_score >= SECOND_CHANCE > 0:
            return self.runner_up if self.runner_score > self.score else None
        return None


class IntentRouter:
    """Nearest-examples intent classifier; deterministic for a deterministic embedder."""

    def __init__(self, embedder: QueryEmbedder) -> None:
        """Create the router (example embeddings are computed on first use).

        Args:
            embedder: Query embedder (the retrieval embedder, or a fake in tests).
        """
        self._embedder = embedder
        self._labels: NDArray[np.str_] | None = None
        self._matrix: NDArray[np.float32] | None = None

    def _examples(self) -> tuple[NDArray[np.float32], NDArray[np.str_]]:
        if self._matrix is None or self._labels is None:
            texts = [t for examples in INTENT_EXAMPLES.values() for t in examples]
            self._labels = np.array([i for i, examples in INTENT_EXAMPLES.items() for _ in examples])
            self._matrix = unit_vectors(self._embedder, texts)
        return self._matrix, self._labels

    def scores(self, message: str) -> dict[str, float]:
        """Each intent's similarity to ``message`` (mean of its closest examples)."""
        matrix, labels = self._examples()
        sims = matrix @ unit_vectors(self._embedder, [message])[0]
        out = {}
        for intent in INTENT_EXAMPLES:
            mine = np.sort(sims[labels == intent])[::-1][:TOP_K]
            out[intent] = float(mine.mean()) if mine.size else 0.0
        return out

    def route(self, message: str) -> Route:
        """Pick the intent of ``message``; content questions are the default."""
        if has_enroll_intent(message):
            return Route("enroll", 1.0)
        if _GREETING.match(message):
            return Route("smalltalk", 1.0)
        if _PRACTICE.search(message):
            return Route("practice", 1.0)
        scores = self.scores(message)
        question = scores.pop(QUESTION)
        cued = bool(_PRACTICE_CUE.search(message))
        if not cued:
            scores.pop("practice", None)
        intent, score = max(scores.items(), key=lambda kv: kv[1])
        personal = _SELF.search(message) or (intent == "practice" and cued)
        if intent in _PERSONAL and not personal and score < MIN_ROUTE_SCORE + PERSONAL_BONUS:
            # "what is progress" is a question; "how is my progress" is a request.
            return Route(QUESTION, question, intent, score)
        if score >= MIN_ROUTE_SCORE and score >= question + MIN_MARGIN:
            return Route(intent, score)
        return Route(QUESTION, question, intent, score)
