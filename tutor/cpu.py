"""The one bounded thread pool for CPU work called from async code.

The event loop only waits (see the engineering guide): query embeddings, the local tutor model's
decisions, hybrid search over a course index and anything else that computes for more than a
moment go through :func:`run_cpu`. The pool is bounded (``TUTOR_CPU_WORKERS``, default: the CPU
count plus two, for the bits of I/O inside a search), so 64 concurrent chats queue their CPU work
here instead of starting 64 threads that fight the event loop for the interpreter. Calls keep the
caller's context variables (the request id in logs), as :func:`asyncio.to_thread` does.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
MAX_WORKERS = 64

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_size: int | None = None


def default_workers() -> int:
    """CPU count + 2, at most 16: the default of ``TUTOR_CPU_WORKERS``."""
    return min(16, (os.cpu_count() or 1) + 2)


def configure(workers: int) -> None:
    """Size the pool (the composition root calls this from settings; before any work is best).

    A pool already running with another size is replaced; work already queued on it still finishes.

    Raises:
        ValueError: ``workers`` is not between 1 and :data:`MAX_WORKERS`.
    """
    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"the CPU pool needs 1 to {MAX_WORKERS} workers, not {workers}")
    global _pool, _size
    with _lock:
        if _size == workers:
            return
        old, _pool, _size = _pool, None, workers
    if old is not None:
        old.shutdown(wait=False)


def workers() -> int:
    """The pool's size (from :func:`configure`, else the settings' ``cpu_workers``)."""
    global _size
    with _lock:
        if _size is None:
            from tutor.settings import get_settings  # read once, only when nobody configured the pool

            _size = get_settings().cpu_workers
        return _size


def _executor() -> ThreadPoolExecutor:
    global _pool
    size = workers()
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="tutor-cpu")
        return _pool


async def run_cpu(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``fn(*args, **kwargs)`` on the bounded CPU pool and wait for it without blocking the loop.

    Exceptions propagate; cancelling the caller stops waiting but not a call already running.
    """
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await loop.run_in_executor(_executor(), call)
