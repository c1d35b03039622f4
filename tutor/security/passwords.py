"""Argon2id password hashing."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Moderate cost: ~30 ms per hash on one core keeps login responsive and brute force expensive.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A valid hash of a random password, verified against when the user does not exist so that
# the response time does not reveal which emails are registered.
_DUMMY_HASH = _hasher.hash("not-a-real-password-4f1c")


def hash_password(password: str) -> str:
    """Return an argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check ``password`` against ``password_hash`` in roughly constant time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
