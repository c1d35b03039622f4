"""What followed an accepted recommendation: the mastery change after a quiz, recorded by the worker.

A quiz interaction stores the mastery of the lesson's skills the stored learner model had at submission.
When the worker next refreshes the student's learner model (it is queued by that submission), the new
mastery of those skills is recorded beside it with the mean ``gain``. A skill with no estimate before
counts from the knowledge-tracing prior. Only interactions recorded before the refresh began are closed:
the attempts of a later one may not be in the estimate yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from recommender.kt.configs.bkt import BKTConfig
from tutor.repositories.feedback import InteractionRepository
from tutor.schemas.common import utcnow

PRIOR = BKTConfig().prior


async def close_interactions(
    interactions: InteractionRepository, user_id: str, mastery: Mapping[str, float], started_at: datetime
) -> int:
    """Record the mastery after each of the student's open quiz interactions recorded by ``started_at`` (when
    the refresh that computed ``mastery`` began reading); how many were closed."""
    closed = 0
    for doc in await interactions.open_of_user(user_id, started_at):
        before = doc.get("mastery_before") or {}
        after = {s: round(float(mastery[s]), 4) for s in doc.get("skills") or [] if s in mastery}
        changes = [after[s] - float(before.get(s, PRIOR)) for s in after]
        gain = round(sum(changes) / len(changes), 4) if changes else None
        await interactions.close(doc["_id"], after, gain, utcnow())
        closed += 1
    return closed
