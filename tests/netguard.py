"""Refuse every outbound connection that does not go to loopback, so no test can reach the internet."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


class NetworkBlocked(RuntimeError):
    """A test tried to leave the machine."""


def _allowed(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = str(address[0])
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a hostname other than localhost would need DNS: refuse


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _allowed(address):
        raise NetworkBlocked(f"tests may only connect to loopback, not {address!r}")
    _original_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _allowed(address):
        raise NetworkBlocked(f"tests may only connect to loopback, not {address!r}")
    return _original_connect_ex(self, address)


def install_network_guard() -> None:
    """Patch ``socket.socket.connect`` for this process."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
