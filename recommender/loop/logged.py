"""Students' feedback and what followed it, as weighted examples in the policy's own terms.

Each answer becomes one example: the policy's observation of the learner model the recommendation was
made on (the snapshot stored with the answer, turned into features exactly as :class:`PolicyService`
does when it serves), the skills the item teaches (the actions), and a signed weight:

* accepted, and then followed (enrolled, completed, took the quiz) or rated 4-5, or the quiz raised
  mastery: ``+1``; accepted with nothing known yet: ``+0.5``;
* accepted but rated 1-2, or mastery fell after it: ``-0.5``;
* dismissed: ``-1`` (``-0.5`` if rated 4-5 anyway: "good advice, not now").

No student can dominate: a student's weights are scaled so their absolute sum is at most 1, and every
weight is divided by ``max(students, min_students)``. One student's share of the feedback term is then at
most ``1 / max(students, min_students)``, however many answers they send.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from recommender.mastery import MASTERED
from recommender.policy_service import PolicyService
from recommender.rl.model import ActorCritic
from tutor.db import Document

GAIN_EPS = 0.02  # a mean mastery change smaller than this is no evidence either way
FOLLOWED = ("enrolled", "lesson_completed", "quiz_submitted")


@dataclass(frozen=True)
class LoggedData:
    """Examples for the feedback term, and the data size behind them.

    Attributes:
        obs: (E, D) observations.
        mask: (E, S) moves the product would consider in that state (unmastered skills and the item's).
        actions: (E, S) the item's skills, each row summing to 1.
        weight: (E,) signed weights, per-student caps applied.
        students: (E,) the student of each example.
        n_feedback: Answers read.
        n_interactions: Interactions linked to them.
        n_students: Students with at least one usable example.
        share: Each student's share of the feedback term (sum of their absolute weights).
    """

    obs: np.ndarray
    mask: np.ndarray
    actions: np.ndarray
    weight: np.ndarray
    students: list[str]
    n_feedback: int
    n_interactions: int
    n_students: int
    share: dict[str, float] = field(default_factory=dict)

    @property
    def n_examples(self) -> int:
        """Usable examples (answers about items that teach at least one of the policy's skills)."""
        return len(self.students)

    @property
    def max_student_share(self) -> float:
        """The largest share of the feedback term one student has."""
        return max(self.share.values(), default=0.0)


def signal(feedback: Document, outcomes: Sequence[Document]) -> float:
    """The raw signed weight of one answer given the interactions that followed it."""
    rating = feedback.get("rating")
    if feedback.get("action") == "dismissed":
        return -0.5 if rating is not None and rating >= 4 else -1.0
    gains = [float(i["gain"]) for i in outcomes if i.get("gain") is not None]
    mean_gain = sum(gains) / len(gains) if gains else 0.0
    if (rating is not None and rating <= 2) or mean_gain < -GAIN_EPS:
        return -0.5
    followed = any(i.get("kind") in FOLLOWED for i in outcomes)
    if followed or (rating is not None and rating >= 4) or mean_gain > GAIN_EPS:
        return 1.0
    return 0.5


def build_logged(
    feedback: Iterable[Document], interactions: Iterable[Document], model: ActorCritic, min_students: int
) -> LoggedData:
    """Examples for ``model`` (its skills and features) from stored answers and their interactions."""
    answers = list(feedback)
    by_feedback: dict[str, list[Document]] = defaultdict(list)
    n_interactions = 0
    for doc in interactions:
        by_feedback[doc["feedback_id"]].append(doc)
        n_interactions += 1
    skills = list(model.config.skills)
    index = {s: i for i, s in enumerate(skills)}
    features = PolicyService(model)
    rows: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, float]] = []
    for answer in answers:
        taught = [index[s] for s in answer.get("skills", []) if s in index]
        if not taught:
            continue  # the item teaches nothing the policy knows: it says nothing about its choices
        context = answer.get("context") or {}
        mastery = {str(k): float(v) for k, v in (context.get("mastery") or {}).items()}
        targets = {str(s) for s in context.get("target_skills") or []}
        # The same features PolicyService computes when it serves this learner model.
        obs, _ = features._observation(mastery, targets, [])
        allowed = np.array([mastery.get(s, 0.0) < MASTERED for s in skills])
        allowed[taught] = True
        acts = np.zeros(len(skills))
        acts[taught] = 1.0 / len(taught)
        raw = signal(answer, by_feedback.get(answer["_id"], []))
        rows.append((str(answer["user_id"]), obs[0].numpy(), allowed, acts, raw))
    return _capped(rows, len(answers), n_interactions, len(skills), model.config.obs_dim, min_students)


def _capped(
    rows: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, float]],
    n_feedback: int,
    n_interactions: int,
    n_skills: int,
    obs_dim: int,
    min_students: int,
) -> LoggedData:
    """Scale each student's weights to an absolute sum of at most 1, then all by 1 / max(students, min)."""
    totals: dict[str, float] = defaultdict(float)
    for student, *_, raw in rows:
        totals[student] += abs(raw)
    per_student = 1.0 / max(len(totals), min_students, 1)
    weight = np.array([raw / max(totals[s], 1.0) * per_student for s, *_, raw in rows], dtype=np.float64)
    share: dict[str, float] = defaultdict(float)
    for (student, *_), w in zip(rows, weight, strict=True):
        share[student] += abs(float(w))
    if not rows:
        empty = np.zeros((0, n_skills))
        return LoggedData(
            np.zeros((0, obs_dim), dtype=np.float32),
            empty.astype(bool),
            empty,
            np.zeros(0),
            [],
            n_feedback,
            n_interactions,
            0,
        )
    return LoggedData(
        obs=np.stack([r[1] for r in rows]).astype(np.float32),
        mask=np.stack([r[2] for r in rows]),
        actions=np.stack([r[3] for r in rows]),
        weight=weight.astype(np.float32),
        students=[r[0] for r in rows],
        n_feedback=n_feedback,
        n_interactions=n_interactions,
        n_students=len(totals),
        share=dict(share),
    )
