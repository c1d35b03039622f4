"""Simulated students answering recommendations, stored through the real repositories.

Each simulated student is a learner of the sample-course simulator. In every round each is recommended a
lesson of the sample course; they accept it when the simulator says they would study it now (an
accepted move) and dismiss it otherwise, and an accepted lesson is studied: the interaction records the
change of the learner's true mastery of the lesson's skills. The answer stores the learner model the
recommendation was made on (the responses-only mastery estimate and the target skills), as the API does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from recommender.rl.features import ResponseTracker
from recommender.simulation.sample_course import make_sample_course
from tutor.db import Document
from tutor.repositories.bundle import Repositories
from tutor.repositories.feedback import interaction_doc
from tutor.schemas.common import utcnow


@dataclass
class StreamSize:
    """What a stream stored: ``answers`` documents (a later answer about the same lesson replaces one)."""

    answers: int = 0
    interactions: int = 0


async def simulated_stream(records: Repositories, students: int, rounds: int, seed: int) -> StreamSize:
    """``students`` simulated students answer one recommendation per round for ``rounds`` rounds."""
    sim = make_sample_course()
    sim.reset(students, seed)
    tracker = ResponseTracker.from_simulator(sim)
    skills = list(sim.graph.nodes)
    lessons = sorted(sim.graph.items.items())
    rng = np.random.default_rng(seed)
    size = StreamSize()
    for _ in range(rounds):
        picks = rng.integers(len(lessons), size=students)
        first = np.array([skills.index(lessons[p][1][0]) for p in picks])
        accepts = sim.accepted()[np.arange(students), first]
        estimate, before = tracker.mastery(), sim.true_state().copy()
        responses = sim.step(first)
        tracker.update(first, responses)
        after = sim.true_state()
        for i in range(students):
            lesson_id, lesson_skills = lessons[picks[i]]
            context = {
                "mastery": {s: round(float(estimate[i, k]), 4) for k, s in enumerate(skills)},
                "target_skills": [s for k, s in enumerate(skills) if sim.targets[i, k]],
            }
            action = "accepted" if accepts[i] else "dismissed"
            doc = await answer(records, f"sim-{seed}-{i}", lesson_id, lesson_skills, action, context)
            size.answers += doc["answers"] == 1
            if accepts[i]:
                ks = [skills.index(s) for s in lesson_skills]
                gain = float(np.mean(after[i, ks] - before[i, ks]))
                await records.interactions.add(
                    interaction_doc(
                        doc,
                        "quiz_submitted",
                        utcnow(),
                        lesson_id=lesson_id,
                        skills=list(lesson_skills),
                        score=100.0 * float(responses[i]),
                        gain=round(gain, 4),
                        mastery_before={},
                        mastery_after={},
                    )
                )
                await records.feedback.count_interaction(doc["_id"])
                size.interactions += 1
    return size


async def answer(
    records: Repositories,
    user_id: str,
    lesson_id: str,
    skills: Sequence[str],
    action: str,
    context: Mapping[str, object],
    course_id: str = "python-intro",
) -> Document:
    """Store one answer about a lesson exactly as the feedback service does."""
    key = {"user_id": user_id, "item_type": "lesson", "course_id": course_id, "item_id": lesson_id}
    fields = {
        "action": action,
        "rating": None,
        "recommended": True,
        "recommendation": None,
        "skills": list(skills),
        "context": context,
    }
    return await records.feedback.upsert(key, fields, utcnow())


async def poisoned_student(records: Repositories, user_id: str, items: int, repeats: int) -> int:
    """One student dismissing everything: every lesson's skills under ``items`` made-up lesson ids, each
    answered ``repeats`` times (more than the API would ever let through); how many answers were sent."""
    sim = make_sample_course()
    lessons = sorted(sim.graph.items.items())
    sent = 0
    for n in range(items):
        lesson_id, skills = lessons[n % len(lessons)]
        for _ in range(repeats):
            await answer(
                records, user_id, f"{lesson_id}-{n}", skills, "dismissed", {"mastery": {}, "target_skills": []}
            )
            sent += 1
    return sent
