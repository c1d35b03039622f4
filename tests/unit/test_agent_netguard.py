"""The reusable network guard refuses non-loopback connections and allows loopback."""

from __future__ import annotations

import socket

import pytest

from tests.fakes.netguard import BlockedConnection, network_guard


def test_non_loopback_is_refused_and_loopback_allowed() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    try:
        with network_guard():
            with pytest.raises(BlockedConnection):
                socket.create_connection(("192.0.2.1", 80), timeout=0.1)
            with socket.socket() as sock, pytest.raises(BlockedConnection):
                sock.connect(("example.org", 443))
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    finally:
        server.close()
