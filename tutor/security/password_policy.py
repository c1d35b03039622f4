"""The password policy shared by registration, password change and ``tutor create-user``.

Two rules, in the spirit of NIST SP 800-63B (length and a blocklist, no composition rules): at
least :data:`MIN_LENGTH` characters, and not one of the common passwords shipped in
``common_passwords.txt`` (compared in lower case; source and licence in that file's header).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tutor.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 256  # argon2 hashes anything, but a bound keeps one request from costing much
_LIST = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-case (read once)."""
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str) -> tuple[str, str] | None:
    """The rule ``password`` breaks as ``(rule, message for the user)``, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return "min_length", f"password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return "max_length", f"password must be at most {MAX_LENGTH} characters long"
    if password.lower() in common_passwords():
        return "common", "password is too common (it is on the list of common passwords): choose another"
    return None


def check_password(password: str) -> None:
    """Raise :class:`InvalidInput` naming the broken rule unless ``password`` meets the policy."""
    problem = password_problem(password)
    if problem is not None:
        rule, message = problem
        raise InvalidInput(message, details={"field": "password", "rule": rule})
