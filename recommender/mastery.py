"""The mastery thresholds every part of the learner model uses: one definition of "mastered" and of "weak".

Estimated mastery is P(skill known) in [0, 1] from knowledge tracing.
"""

from __future__ import annotations

MASTERED = 0.7
"""At or above this a skill counts as mastered: prerequisites are met, the policy stops proposing it,
the learning path no longer targets it, and replies say so."""

WEAK_BELOW = 0.6
"""Below this a skill is a weak area (or at any mastery, with enough recent errors)."""
