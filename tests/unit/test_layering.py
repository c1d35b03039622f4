"""The layering rule, checked from the source: no package refers to a higher layer by any means.

Layers, lowest first: ``tutor``, ``prompts`` and ``web`` (the core, the prompt texts, the web app's files); ``retrieval`` and
``recommender``; ``ingest`` and ``agents``; ``api``; ``app`` (the composition root: CLI, Celery app,
API wiring, embedded services). A module may use its own package and packages of lower layers only.
Peers of one layer do not use each other. A reference is an ``import``/``from ... import``, an
``importlib.import_module`` argument, or a string naming a module of the project ("ingest.local_run",
"app.asgi:app_factory"), as uvicorn and Celery accept them. Celery task *names* ("ingest.run_job") and
logger names ("tutor.api") are not modules and are not references.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYER = {
    "tutor": 0,
    "prompts": 0,
    "web": 0,
    "retrieval": 1,
    "recommender": 1,
    "ingest": 2,
    "agents": 2,
    "api": 3,
    "app": 4,
}
_DOTTED = re.compile(r"([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+)(?::[A-Za-z_][A-Za-z0-9_]*)?")


def _is_module(dotted: str) -> bool:
    """Whether ``dotted`` names a module or package of the project."""
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def references(source: str) -> Iterator[tuple[int, str]]:
    """(line, dotted module) of every reference to a project module in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _DOTTED.fullmatch(node.value.strip())
            if match and match.group(1).split(".")[0] in LAYER and _is_module(match.group(1)):
                yield node.lineno, match.group(1)


def violations() -> list[str]:
    """Every reference from a package to one of the same or a higher layer (other than itself)."""
    found = []
    for package, level in LAYER.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, dotted in references(path.read_text(encoding="utf-8")):
                target = dotted.split(".")[0]
                if target in LAYER and target != package and LAYER[target] >= level:
                    found.append(f"{path.relative_to(ROOT)}:{line} ({package}) -> {dotted} ({target})")
    return found


def test_no_package_refers_to_a_higher_layer() -> None:
    assert violations() == []


def test_the_check_sees_imports_importlib_and_module_strings() -> None:
    code = (
        "import api.app\nfrom agents import chat\nimport importlib\n"
        "importlib.import_module('agents.chat')\nTARGET = 'app.asgi:app_factory'\n"
        "TASK = 'ingest.run_job'\nLOGGER = 'tutor.api'\n"
    )
    found = sorted(dotted for _, dotted in references(code))
    assert found == ["agents", "agents.chat", "api.app", "app.asgi", "importlib"]
