"""Defaults of the per-skill baseline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PerSkillConfig:
    """Smoothed per-skill correct rate, updated with the student's own record in the window.

    Attributes:
        skill_prior: Pseudo-attempts pulling a rare skill's rate towards the global rate.
        student_prior: Pseudo-attempts of the global rate in the student's running overall rate.
        own_prior: Pseudo-attempts of the population estimate against the student's own answers
            on the same skill.
    """

    skill_prior: float = 20.0
    student_prior: float = 30.0
    own_prior: float = 20.0
