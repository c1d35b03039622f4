"""Whether the retrieved evidence answers a question: a small logistic model over evidence facts.

Each fact alone is a weak test. A close best sentence can still leave the question's key word out;
a high-ranking passage can merely share the topic ("loops" for "loops in bash"). Weighed together
they separate questions the course answers from near-topic ones better than a cut on each: on a
fresh batch of dev questions written without running the tutor, and across the two dev courses
(fitted on one, checked on the other), the model answered as many or more in-course questions and
declined more near-topic ones than the three cuts it replaces.

The weights are fitted by ``python -m bench.fit_answerability`` on the dev split of the bench's
own question sets, for the packaged embedding model; with another embedder, fit again or set
``ComposerConfig.answerability`` to ``None`` to fall back to the three cuts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agents.providers.local.lexicon import names_technology

if TYPE_CHECKING:
    from agents.providers.local.compose import ComposerConfig

FEATURES = ("strength", "coverage", "absent_jargon", "absent_everyday", "absent_words", "top_score", "second_score")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the composer knows about how well the passages cover a question.

    Attributes:
        strength: Evidence of the best sentence (dense + lexical).
        coverage: Weighted share of the question's salient words the answering passages contain.
        absent_jargon: Largest salience share of a word the course never uses that is not an everyday
            word ("decorator", "asyncio"): a strong sign the course does not cover the question.
        absent_everyday: Largest salience share of an everyday word the course never uses ("wipe",
            "teammate"): a much weaker sign, the student may simply word it differently.
        absent_words: Salient words (share >= 0.1) the course never uses.
        top_score: Retrieval score of the best passage (standardised over the course's passages).
        second_score: Retrieval score of the second passage: a close runner-up means no passage stands out.
    """

    strength: float
    coverage: float
    absent_jargon: float
    absent_everyday: float
    absent_words: int
    top_score: float
    second_score: float

    @property
    def absent_share(self) -> float:
        """Largest salience share of any word the course never uses."""
        return max(self.absent_jargon, self.absent_everyday)

    def vector(self) -> tuple[float, ...]:
        """The facts in :data:`FEATURES` order."""
        return tuple(float(getattr(self, name)) for name in FEATURES)


ABSENT_WORD_SHARE = 0.1


def evidence(
    strength: float, coverage: float, jargon: Sequence[float], everyday: Sequence[float], scores: Sequence[float]
) -> Evidence:
    """Evidence facts from the composer's measurements.

    Args:
        strength: Evidence of the best sentence.
        coverage: Salient-word coverage of the answering passages.
        jargon: Salience shares of the words the course never uses that are not everyday words.
        everyday: Salience shares of the everyday words the course never uses.
        scores: Retrieval scores of the passages, best first.
    """
    return Evidence(
        strength=strength,
        coverage=coverage,
        absent_jargon=max(jargon, default=0.0),
        absent_everyday=max(everyday, default=0.0),
        absent_words=sum(1 for s in (*jargon, *everyday) if s >= ABSENT_WORD_SHARE),
        top_score=scores[0] if scores else 0.0,
        second_score=scores[1] if len(scores) > 1 else 0.0,
    )


@dataclass(frozen=True, slots=True)
class Answerability:
    """Logistic model: answer when ``sigmoid(weights . facts + bias) >= threshold``.

    Attributes:
        weights: One weight per entry of :data:`FEATURES`.
        bias: Intercept.
        threshold: Probability at or above which the question is answered.
    """

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, facts: Evidence) -> float:
        """Probability that the passages answer the question."""
        z = self.bias + sum(w * x for w, x in zip(self.weights, facts.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0)))

    def answers(self, facts: Evidence) -> bool:
        """Whether to answer."""
        return self.probability(facts) >= self.threshold


# Fitted by bench.fit_answerability on the dev split (see the module docstring).
# Dev split, 435 in-course and 157 near-topic questions: answered 0.924, declined 0.873 (in sample).
DEFAULT_ANSWERABILITY = Answerability(
    weights=(5.4250, 0.8382, -6.4627, -1.6290, -0.9135, 0.3697, -0.5641), bias=-1.4206, threshold=0.72
)


def refusal(
    facts: Evidence, absent: Sequence[str], jargon: Sequence[str], rest: float, cfg: ComposerConfig
) -> str | None:
    """Why the question is declined (``absent_term``, ``weak_evidence``, ``low_coverage``), or ``None``.

    A technology the course never names always declines. Otherwise the answerability model decides
    when the configuration has one, else the three cuts: an absent salient word (unless very strong
    evidence outweighs one everyday word), weak evidence, low coverage.

    Args:
        facts: The evidence facts.
        absent: Salient words the course never uses that count (share >= ``cfg.absent_share``, or a technology).
        jargon: Those of ``absent`` that are not everyday words: with the model, a decline is put down
            to an absent term only when one of them is jargon.
        rest: Coverage of the question's other salient words by the answering passages.
        cfg: The composer configuration.
    """
    if any(names_technology(w) for w in absent):
        return "absent_term"
    if cfg.answerability is not None:
        if cfg.answerability.answers(facts):
            return None
        if jargon:
            return "absent_term"
        return "low_coverage" if facts.coverage < cfg.min_coverage else "weak_evidence"
    if absent and not (
        len(absent) == 1 and facts.strength >= cfg.overriding_strength and rest >= cfg.overriding_rest
    ):
        return "absent_term"
    if facts.strength < cfg.min_strength:
        return "weak_evidence"
    if facts.coverage < cfg.min_coverage:
        return "low_coverage"
    return None
