"""The image build: what .dockerignore keeps out of the context, the non-root user, writable volumes."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def ignore_rules() -> list[tuple[bool, str]]:
    """(negated, pattern) per line of .dockerignore, cleaned as Docker does."""
    rules = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        rules.append((negated, re.sub(r"/+", "/", pattern)))
    return rules


def _matches(pattern: str, path: str) -> bool:
    """Docker's matching: the pattern matches the path or one of its parent directories; ``**`` spans
    any number of directories, ``*`` stays within one."""
    parts = path.split("/")
    return any(_match_parts(pattern.split("/"), parts[:end]) for end in range(1, len(parts) + 1))


def _match_parts(pattern: list[str], parts: list[str]) -> bool:
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_match_parts(pattern[1:], parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and _match_parts(pattern[1:], parts[1:])


def excluded(path: str) -> bool:
    """Whether Docker leaves ``path`` out of the build context (the last matching rule wins)."""
    result = False
    for negated, pattern in ignore_rules():
        if _matches(pattern, path):
            result = not negated
    return result


@pytest.mark.parametrize(
    "path",
    [
        "var/jwt_secret",
        "var/mongo/collection-0.wt",
        "var/files/courses/c1/doc/notes.pdf",
        "var/chroma/chroma.sqlite3",
        ".venv/bin/python",
        ".git/HEAD",
        ".env",
        "tutor/__pycache__/settings.cpython-311.pyc",
        "ingest/loaders/__pycache__/pdf.cpython-311.pyc",
        ".pytest_cache/v/cache/lastfailed",
        ".mypy_cache/3.11/tutor/settings.data.json",
        ".ruff_cache/content",
        "tutor_service.egg-info/PKG-INFO",
        "tests/integration/test_materials.py",
        "htmlcov/index.html",
        ".coverage",
    ],
)
def test_local_state_secrets_and_caches_stay_out_of_the_image(path):
    assert excluded(path), f"{path} would be copied into the image"


@pytest.mark.parametrize(
    "path",
    [
        "pyproject.toml",
        "requirements.txt",
        "constraints.txt",
        "README.md",
        "tutor/settings.py",
        "tutor/sample_course/catalog.json",
        "ingest/pipeline.py",
        "api/app.py",
        "prompts/__init__.py",
        "web/index.html",
        "bench/__init__.py",
    ],
)
def test_what_the_image_installs_is_kept(path):
    assert (ROOT / path).exists(), path
    assert not excluded(path), f"{path} is needed by the Dockerfile but ignored"


def test_every_file_the_dockerfile_copies_by_name_is_in_the_context():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for line in dockerfile.splitlines():
        if line.startswith("COPY ") and " . " not in line + " ":
            for name in line.split()[1:-1]:
                assert not excluded(name), name


def test_the_container_runs_as_an_unprivileged_user():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    stages = [i for i, line in enumerate(lines) if line.startswith("FROM ")]
    users = [line.split()[1] for i, line in enumerate(lines) if line.startswith("USER ") and i > stages[-1]]
    assert users, "the final stage has no USER line: it would run as root"
    assert users[-1] not in ("root", "0", "0:0")
    last_user = max(i for i, line in enumerate(lines) if line.startswith("USER "))
    assert not any(line.startswith("CMD") for line in lines[:last_user]), "USER must come before CMD"
    assert "chown tutor:tutor /app/var" in "\n".join(lines), "the data directory must be writable by the user"


def test_compose_gives_api_and_worker_the_same_writable_data_volume():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    for name in ("api", "worker"):
        service = compose["services"][name]
        assert "tutor-var:/app/var" in service["volumes"], name
        assert service.get("user") in (None, "10001", "10001:10001"), "a user override would not own the volume"
    assert "tutor-var" in compose["volumes"]
    assert compose["services"]["api"]["environment"]["TUTOR_ENV"] == "production"
