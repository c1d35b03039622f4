"""The answer-or-decline decision: a technology always declines, the model weighs the rest, cuts without it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from agents.providers.local.answerability import DEFAULT_ANSWERABILITY, Answerability, Evidence, evidence, refusal
from agents.providers.local.compose import ComposerConfig
from bench.fit_answerability import choose_threshold, fit

STRONG = Evidence(strength=0.9, coverage=0.8, absent_jargon=0.0, absent_everyday=0.0, absent_words=0,
                  top_score=5.0, second_score=2.0)
WEAK = Evidence(strength=0.3, coverage=0.2, absent_jargon=0.5, absent_everyday=0.0, absent_words=2,
                top_score=1.5, second_score=1.4)
N = len(DEFAULT_ANSWERABILITY.weights)


def test_evidence_counts_salient_absent_words_and_reads_the_two_best_scores() -> None:
    facts = evidence(0.7, 0.5, [0.4, 0.05], [0.2], [3.0, 1.0, 0.5])
    assert (facts.absent_jargon, facts.absent_everyday, facts.absent_words) == (0.4, 0.2, 2)
    assert facts.absent_share == 0.4 and evidence(0.7, 0.5, [], [0.3], [2.0]).absent_share == 0.3
    assert (facts.top_score, facts.second_score) == (3.0, 1.0)
    assert evidence(0.7, 0.5, [], [], [2.0]).second_score == 0.0


def test_an_absent_everyday_word_counts_against_answering_far_less_than_absent_jargon() -> None:
    plain = replace(STRONG, strength=0.75, coverage=0.6, absent_words=1)
    jargon, everyday = replace(plain, absent_jargon=0.4), replace(plain, absent_everyday=0.4)
    assert DEFAULT_ANSWERABILITY.probability(everyday) > DEFAULT_ANSWERABILITY.probability(jargon) + 0.2


def test_the_packaged_model_answers_strong_evidence_and_declines_weak() -> None:
    assert DEFAULT_ANSWERABILITY.answers(STRONG) and not DEFAULT_ANSWERABILITY.answers(WEAK)
    assert DEFAULT_ANSWERABILITY.probability(STRONG) > DEFAULT_ANSWERABILITY.probability(WEAK)


def test_a_technology_the_course_never_names_declines_even_with_strong_evidence() -> None:
    assert refusal(STRONG, ("kotlin",), ("kotlin",), 1.0, ComposerConfig()) == "absent_term"


def test_the_model_can_answer_despite_an_absent_word_and_blames_only_absent_jargon() -> None:
    always = Answerability(weights=(0.0,) * N, bias=10.0, threshold=0.5)
    never = Answerability(weights=(0.0,) * N, bias=-10.0, threshold=0.5)
    assert refusal(WEAK, ("setter",), ("setter",), 0.0, ComposerConfig(answerability=always)) is None
    assert refusal(STRONG, ("setter",), ("setter",), 1.0, ComposerConfig(answerability=never)) == "absent_term"
    # An everyday word the course does not use ("wipe") is no reason to give: the evidence was weak.
    assert refusal(STRONG, ("wipe",), (), 1.0, ComposerConfig(answerability=never)) == "weak_evidence"
    assert refusal(replace(WEAK, coverage=0.05), (), (), 0.0, ComposerConfig(answerability=never)) == "low_coverage"
    assert refusal(STRONG, (), (), 1.0, ComposerConfig(answerability=never)) == "weak_evidence"


def test_without_a_model_the_three_cuts_decide() -> None:
    cuts = ComposerConfig(answerability=None)
    assert refusal(STRONG, (), (), 1.0, cuts) is None
    assert refusal(replace(STRONG, strength=0.3), (), (), 1.0, cuts) == "weak_evidence"
    assert refusal(replace(STRONG, coverage=0.05), (), (), 1.0, cuts) == "low_coverage"
    assert refusal(replace(STRONG, strength=0.7), ("wipe",), ("wipe",), 1.0, cuts) == "absent_term"
    # Very strong evidence outweighs one absent everyday word when the rest of the question is covered.
    assert refusal(replace(STRONG, strength=0.97), ("wipe",), ("wipe",), 0.9, cuts) is None


def test_fit_recovers_the_direction_of_each_fact_and_the_threshold_meets_both_rates() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (2.0 * x[:, 0] - 1.0 * x[:, 1] + rng.normal(scale=0.3, size=400) > 0).astype(float)
    weights, bias = fit(x, y)
    assert weights[0] > 0 > weights[1] and abs(bias) < 1.0
    p = 1.0 / (1.0 + np.exp(-(x @ weights + bias)))
    threshold, answered, declined = choose_threshold(p, y)
    assert 0.3 <= threshold <= 0.9 and answered >= 0.9 and declined >= 0.85
