"""Real servers for tests: the Mongo-wire server, redis-server and the API under uvicorn, on loopback."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from app.embedded.process import free_port


class UvicornThread:
    """The real ASGI app served over HTTP by uvicorn in a background thread."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve())

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> UvicornThread:
        """Start and wait until serving."""
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and join."""
        self.server.should_exit = True
        self.thread.join(timeout=15)


@contextmanager
def serve(app: Any) -> Iterator[UvicornThread]:
    """Serve ``app`` for the duration of the block."""
    server = UvicornThread(app).start()
    try:
        yield server
    finally:
        server.stop()
