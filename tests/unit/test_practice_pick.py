"""Which quiz question a practice request picks, by topic."""

from __future__ import annotations

from tutor.services.practice_pick import choose, match_topic, question_pool, topic_words


def _course() -> dict:  # type: ignore[type-arg]
    questions = [
        {"id": "q-num", "prompt": "What is 7 // 2?", "skills": ["python.types"]},
        {"id": "q-str", "prompt": "What does strip() return?", "skills": ["python.strings"]},
    ]
    lesson = {"id": "l-ns", "title": "Working with Numbers and Strings", "quiz": {"questions": questions}}
    return {"_id": "c1", "modules": [{"id": "m1", "lessons": [lesson]}]}


def test_a_question_whose_own_skill_matches_beats_one_that_only_shares_the_lesson() -> None:
    pool = question_pool([_course()])

    def pick(topic: str) -> tuple[str, str | None]:
        focus = match_topic(pool, topic_words(topic))
        picked, skill = choose([c for c in pool if c.order in focus] or pool, focus, {}, [])
        return str(picked.question["id"]), skill

    assert pick("quiz me on strings") == ("q-str", "python.strings")
    # A topic that only names the lesson still finds its questions, in course order.
    assert pick("numbers")[0] == "q-num"
