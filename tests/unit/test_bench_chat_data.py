"""The chat evaluation sets are what their README promises: unique ids, two splits, gold answers really in
the gold file, and near-topic terms really absent from the course (as whole words)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bench.chat_eval import norm

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
LESSONS = ROOT / "tutor" / "sample_course" / "lessons"
TUTORIAL = ROOT.parent / "shared" / "data" / "python-docs-3.11" / "rst" / "tutorial"


def rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


def material(course: str) -> dict[str, str] | None:
    """File name -> normalised text of a course's material (None when it is not on this machine)."""
    folder = TUTORIAL if course == "pytutorial" else LESSONS / course
    if not folder.is_dir():
        return None
    return {p.name: norm(p.read_text(errors="replace")) for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("name", ["chat_in_course.jsonl", "chat_near_topic.jsonl", "chat_followups.jsonl"])
def test_ids_are_unique_and_every_row_has_a_split(name: str) -> None:
    data = rows(name)
    ids = [r["id"] for r in data]
    assert len(ids) == len(set(ids))
    assert {r["split"] for r in data} == {"dev", "test"}


def test_each_gold_answer_occurs_in_its_gold_file() -> None:
    checked = 0
    for row in rows("chat_in_course.jsonl"):
        files = material(row["course"])
        if files is None:
            continue
        assert row["gold_source"] in files, row["id"]
        # Compared as bench.chat compares a reply: case, punctuation and spacing aside.
        assert norm(row["answer"]) in files[row["gold_source"]], row["id"]
        checked += 1
    assert checked >= 150  # the sample course is always here; the tutorial when ../shared/data is


def test_near_topic_terms_occur_nowhere_in_the_course() -> None:
    for row in rows("chat_near_topic.jsonl"):
        files = material(row["course"])
        if files is None:
            continue
        for term in row["absent_terms"]:
            pattern = re.compile(rf"\b{re.escape(term.lower())}\b")
            assert not any(pattern.search(text) for text in files.values()), (row["id"], term)
