"""The async repositories for synchronous callers (a Celery task, the CLI), on an event loop of their own.

The ingestion pipeline is synchronous (it parses, embeds and indexes on the calling thread, where
Celery's time-limit signal lands), yet it must read and write jobs and materials through the same
repositories as the API. ``BlockingRepositories`` runs a private event loop on a daemon thread with
its own client, and :meth:`run` waits for one repository call on it.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from tutor.db import Mongo
from tutor.repositories.bundle import Repositories

T = TypeVar("T")


class BlockingRepositories:
    """Every repository, callable from synchronous code (one private loop thread and client)."""

    def __init__(self, url: str, database: str) -> None:
        """Start the loop thread and open a client on it (the client connects on first use)."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="repositories-loop", daemon=True)
        self._thread.start()
        self.mongo: Mongo = self.run(_open(url, database))
        self.repos = Repositories.over(self.mongo)

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        """Run one coroutine (a repository call) on the private loop and return its result."""
        return asyncio.run_coroutine_threadsafe(call, self._loop).result()

    def close(self) -> None:
        """Close the client and stop the loop thread."""
        if not self._loop.is_running():
            return
        try:
            self.run(self.mongo.close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop.close()


async def _open(url: str, database: str) -> Mongo:
    # Created on the loop that will use it: the async client binds to the running loop.
    return Mongo(url, database)


_per_process: dict[int, BlockingRepositories] = {}


def process_repositories(url: str, database: str) -> BlockingRepositories:
    """This process's repositories for task code (a forked worker child opens its own: a loop thread is
    not inherited across ``fork``)."""
    pid = os.getpid()
    if pid not in _per_process:
        _per_process.clear()
        _per_process[pid] = BlockingRepositories(url, database)
    return _per_process[pid]
