"""bench.search_courses: every question set maps to its gold lessons, and the scoring counts what it should."""

from __future__ import annotations

from bench.search_courses import questions, score
from retrieval.types import Chunk, SearchHit
from tutor.seed import material_files


def hit(course: str, lesson: str, source: str) -> SearchHit:
    chunk = Chunk(id=f"{lesson}#0", course_id=course, document_id=lesson, text="x", lesson_id=lesson,
                  source_name=source)  # fmt: skip
    return SearchHit(chunk, 1.0, 1)


def test_every_question_has_its_course_and_gold_from_the_sample_catalogue() -> None:
    course_of = {lesson: course for course, lesson, _, _ in material_files()}
    sets = questions(course_of)
    assert sets["in_course"] and sets["typed"]
    for rows in sets.values():
        assert {row["split"] for row in rows} == {"dev", "test"}
        assert all(row["course"] in set(course_of.values()) and row["gold"] for row in rows)


def test_a_hit_counts_by_lesson_or_by_course_file_and_splits_stay_apart() -> None:
    rows = [
        {"question": "q1", "course": "a", "gold": {"l-1"}, "split": "test"},
        {"question": "q2", "course": "a", "gold": {"a/two.md"}, "split": "dev"},
    ]
    found = {"q1": [hit("b", "l-9", "nine.md"), hit("a", "l-1", "one.md")], "q2": [hit("a", "l-2", "two.md")]}
    by_lesson = score({"ours": lambda q, _c: found[q]}, rows, by_lesson=True)
    assert by_lesson["test"] == {"n": 1, "ours": {"ndcg@10": 0.6309, "recall@1": 0.0}}
    assert by_lesson["dev"]["ours"]["recall@1"] == 0.0  # q2's gold is a file, not a lesson id
    by_file = score({"ours": lambda q, _c: found[q]}, rows, by_lesson=False)
    assert by_file["dev"]["ours"] == {"ndcg@10": 1.0, "recall@1": 1.0}
