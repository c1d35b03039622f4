"""URLs an LMS gives the tool: their origins, and whether the tool may call or trust them.

Everything the tool exchanges with a platform (its keys, tokens, scores, rosters, the page it returns
deep links to) must travel over https; plain http is accepted only on the loopback interface, where a
platform under test or on the same machine runs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def origin(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, or "" for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc.lower()}"


def is_secure(url: str) -> bool:
    """Whether ``url`` is https, or http on the loopback interface."""
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and (parts.hostname or "") in LOOPBACK)
