"""The generated JWT secret file: owner-only from its creation, atomic, one secret under races."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from tutor.secret_file import read_or_create_secret
from tutor.settings import ConfigurationError, Settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def dev_secret(var: Path) -> str:
    """The JWT secret a development run resolves (generating ``var/jwt_secret`` on first use)."""
    secret = Settings(env="development", var_dir=var, jwt_secret=None).jwt.secret
    assert secret is not None
    return secret


@pytest.fixture
def open_umask():
    """A umask that lets every permission through, so only the creation mode protects the file."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_dev_settings_create_an_owner_only_secret_and_reuse_it(tmp_path, open_umask):
    settings = Settings(env="development", var_dir=tmp_path / "var", jwt_secret=None)
    secret = settings.jwt.secret
    assert secret is not None
    path = tmp_path / "var" / "jwt_secret"
    assert path.read_text() == secret and len(secret) >= 32
    assert mode(path) == 0o600
    assert Settings(env="development", var_dir=tmp_path / "var", jwt_secret=None).jwt.secret == secret
    assert [p.name for p in path.parent.iterdir()] == ["jwt_secret"]  # no temporary file left behind


def test_the_mode_is_set_at_creation_not_by_a_later_chmod(tmp_path, open_umask, monkeypatch):
    # If the file were written first and restricted afterwards, it would be readable by anyone in
    # between; with chmod disabled, such an implementation leaves a world-readable file.
    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)
    monkeypatch.setattr(Path, "chmod", lambda *a, **k: None)
    dev_secret(tmp_path)
    assert mode(tmp_path / "jwt_secret") == 0o600


def test_the_secret_is_never_visible_half_written(tmp_path, monkeypatch):
    # Whatever name the secret appears under holds the whole secret: the final name only ever
    # appears complete (linked from a finished temporary file).
    seen: list[tuple[int, str]] = []
    real_link = os.link

    def spying_link(src, dst, *args, **kwargs):
        seen.append((mode(Path(src)), Path(src).read_text()))
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", spying_link)
    secret = dev_secret(tmp_path)
    assert seen == [(0o600, secret)]


def test_concurrent_starts_agree_on_one_secret(tmp_path):
    path = tmp_path / "jwt_secret"
    barrier = threading.Barrier(8)
    results: list[str] = []

    def start() -> None:
        barrier.wait()
        results.append(dev_secret(tmp_path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and results[0] == path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jwt_secret"]


def test_a_world_readable_secret_from_before_is_restricted(tmp_path):
    path = tmp_path / "jwt_secret"
    path.write_text("an-old-secret-made-by-a-previous-version-of-the-service")
    path.chmod(0o644)
    assert read_or_create_secret(path) == "an-old-secret-made-by-a-previous-version-of-the-service"
    assert mode(path) == 0o600


def test_an_empty_secret_file_is_a_clear_configuration_error(tmp_path):
    (tmp_path / "jwt_secret").touch(mode=0o600)
    with pytest.raises(ConfigurationError, match="empty"):
        _ = Settings(env="development", var_dir=tmp_path, jwt_secret=None).jwt
