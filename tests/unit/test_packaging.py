"""What a non-editable install ships: every file of the web app and every prompt is package data."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]


def _shipped(package: str) -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert any(package + "*" == p for p in config["packages"]["find"]["include"]), f"{package} is not a package"
    return list(config["package-data"][package])


def _unshipped(package: str, suffixes: set[str]) -> list[str]:
    patterns = _shipped(package)
    root = ROOT / package
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.suffix in suffixes]
    assert files
    return [f for f in files if not any(PurePosixPath(f).match(pattern) and f.count("/") == pattern.count("/")
                                        for pattern in patterns)]


def test_every_file_of_the_web_app_is_package_data() -> None:
    assert _unshipped("web", {".html", ".css", ".js", ".svg", ".png", ".ico", ".json"}) == []


def test_every_prompt_is_package_data() -> None:
    assert _unshipped("prompts", {".txt", ".md"}) == []
