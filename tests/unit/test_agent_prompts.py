"""Prompt templates and their version string."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prompts.loader import PROMPT_DIR, load_prompts


def test_system_prompt_has_grounding_and_mode() -> None:
    prompts = load_prompts()
    answer = prompts.system_prompt("answer", "Ann", "Intro to Python")
    socratic = prompts.system_prompt("socratic", "Ann", None)
    assert "Intro to Python" in answer and "untrusted" in answer and "[1]" in answer
    assert "Never reveal quiz" in socratic and "Mode: answer" not in socratic


def test_version_changes_when_a_template_changes(tmp_path: Path) -> None:
    for name in ("system", "grounding", "answer", "socratic"):
        shutil.copy(PROMPT_DIR / f"{name}.md", tmp_path / f"{name}.md")
    before = load_prompts(str(tmp_path)).version
    (tmp_path / "answer.md").write_text((tmp_path / "answer.md").read_text() + "\nBe brief.\n")
    load_prompts.cache_clear()
    assert load_prompts(str(tmp_path)).version != before
    assert load_prompts().version.startswith("p2.")


def test_template_without_header_is_rejected(tmp_path: Path) -> None:
    for name in ("system", "grounding", "answer", "socratic"):
        (tmp_path / f"{name}.md").write_text("no header here")
    load_prompts.cache_clear()
    with pytest.raises(ValueError, match="version"):
        load_prompts(str(tmp_path))
    load_prompts.cache_clear()
