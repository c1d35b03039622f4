"""Refuse any outbound connection that is not to loopback (tests must run offline)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_ALLOWED_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if host in _ALLOWED_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


class BlockedConnection(OSError):
    """Raised for a refused non-loopback connection."""


def block_non_loopback() -> Callable[[], None]:
    """Patch ``socket`` so only loopback connections succeed; returns a function that undoes it."""
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_create = socket.create_connection

    def check(address: Any) -> None:
        if not _is_loopback(address):
            raise BlockedConnection(f"network access blocked in tests: {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return original_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        check(address)
        return original_create(address, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.create_connection = create_connection

    def undo() -> None:
        socket.socket.connect = original_connect  # type: ignore[method-assign,assignment]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign,assignment]
        socket.create_connection = original_create

    return undo


@contextmanager
def network_guard() -> Iterator[None]:
    """Context manager form of :func:`block_non_loopback`."""
    undo = block_non_loopback()
    try:
        yield
    finally:
        undo()
