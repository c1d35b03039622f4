"""Production refuses a missing or short JWT secret, in the settings and at the command line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tutor.settings import ConfigurationError, Settings

STRONG = "k" * 32


@pytest.mark.parametrize("secret", [None, "", "short", "x" * 31, "é" * 15])  # "é" is 2 bytes: 30 bytes
def test_production_refuses_a_missing_or_short_secret(secret, tmp_path):
    settings = Settings(env="production", jwt_secret=secret, var_dir=tmp_path)
    with pytest.raises(ConfigurationError, match="JWT_SECRET"):
        _ = settings.jwt
    assert not (tmp_path / "jwt_secret").exists()  # production never falls back to a generated file


def test_production_accepts_32_bytes_and_development_anything(tmp_path):
    assert Settings(env="production", jwt_secret=STRONG, var_dir=tmp_path).jwt.secret == STRONG
    assert Settings(env="development", jwt_secret="short", var_dir=tmp_path).jwt.secret == "short"


def test_the_message_says_how_long_and_how_to_make_one(tmp_path):
    with pytest.raises(ConfigurationError) as caught:
        _ = Settings(env="production", jwt_secret="abc", var_dir=tmp_path).jwt
    message = str(caught.value)
    assert "3 bytes" in message and "at least 32" in message and "token_urlsafe" in message


@pytest.mark.parametrize("command", [["worker"], ["serve"], ["create-user", "--email", "a@b.c", "--name", "A"]])
def test_the_cli_stops_before_starting_anything(command, tmp_path):
    env = {
        **os.environ,
        "TUTOR_ENV": "production",
        "JWT_SECRET": "too-short",
        "TUTOR_VAR_DIR": str(tmp_path / "var"),
        # Unreachable servers: the command must fail on the configuration, before it connects anywhere.
        "MONGODB_URL": "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=100",
        "REDIS_URL": "redis://127.0.0.1:9/0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *command], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert "configuration error" in done.stderr and "JWT_SECRET is 9 bytes" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "var").exists()  # nothing was started or written
